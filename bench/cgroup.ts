// The cgroup layer's costs: a cpu_shares set through the backend against a raw cpu.shares write (the floor), and one
// stats tick for many guest groups (real groups in the real hierarchy; no processes needed).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupHierarchy, type GuestGroup } from '../electron/engine/cgroup/hierarchy';
import { readHostDetection } from '../electron/engine/cgroup/detect';
import { readGuestStats } from '../electron/engine/cgroup/stats';
import { figure, summarize, timeEach, type Figure } from './measure';

export async function benchCgroup(partition: string, opts: { quick: boolean }): Promise<Figure[]> {
  const h = new CgroupHierarchy(readHostDetection(), { partition });
  const g = await h.createGuest('bench-shares');
  const n = opts.quick ? 2000 : 10000;
  const sharesFile = join(h.detection.controllers.cpu.version === 1 ? h.detection.controllers.cpu.mount.mountPoint : '', g.path, 'cpu.shares');
  let v = 1024;
  const raw = await timeEach(() => writeFileSync(sharesFile, String((v = v === 1024 ? 2048 : 1024))), n);
  const backend = await timeEach(() => g.setCpuShares((v = v === 1024 ? 2048 : 1024)), n);
  const figures: Figure[] = [
    figure({
      id: 'cgroup.set_shares',
      title: 'cpu_shares set through the cgroup backend',
      summary: summarize(backend, 'µs'),
      floor: { label: 'raw cpu.shares write', summary: summarize(raw, 'µs') },
      details: { 'anchor: raw write measured with libvirt’s figures (µs)': 18 },
    }),
  ];

  for (const count of opts.quick ? [10, 100] : [10, 100, 1000]) {
    const groups: GuestGroup[] = [];
    for (let i = 0; i < count; i++) groups.push(await h.createGuest(`tick-${i}`));
    const ticks = await timeEach(() => readGuestStats(groups), opts.quick ? 10 : 30, 3);
    const s = summarize(ticks.map((us) => us / 1000), 'ms');
    figures.push(
      figure({
        id: `stats.tick.${count}`,
        title: `one stats tick, ${count} guest groups`,
        summary: s,
        details: { 'per guest (µs)': Math.round((s.median * 1000) / count) },
      }),
    );
    for (const gr of groups) await gr.remove();
  }
  await g.remove();
  return figures;
}
