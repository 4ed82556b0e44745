// The cgroup layer's cost: a cpu_shares set through the backend against a raw cpu.shares write (the floor).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupHierarchy } from '../electron/engine/cgroup/hierarchy';
import { readHostDetection } from '../electron/engine/cgroup/detect';
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

  await g.remove();
  return figures;
}
