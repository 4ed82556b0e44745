// Stats at scale: one tick for 10, 100 and 1000 guest groups (real groups in the real hierarchy; no processes needed),
// and the CPU the engine's sampler costs at its real rate of one tick per second.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupHierarchy, type GuestGroup } from '../electron/engine/cgroup/hierarchy';
import { readHostDetection } from '../electron/engine/cgroup/detect';
import { readGuestStats } from '../electron/engine/cgroup/stats';
import { StatsSampler } from '../electron/engine/vms/sampler';
import { figure, summarize, timeEach, type Figure } from './measure';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchStats(partition: string, opts: { quick: boolean }): Promise<Figure[]> {
  const h = new CgroupHierarchy(readHostDetection(), { partition });
  const figures: Figure[] = [];
  const groups: GuestGroup[] = [];
  try {
    for (const count of [10, 100, 1000]) {
      while (groups.length < count) groups.push(await h.createGuest(`tick-${groups.length}`));
      const ticks = await timeEach(() => readGuestStats(groups), opts.quick ? 10 : 30, 3);
      // The floor: the same two files per group read in a plain loop, no engine code, no yielding.
      const files = groups.flatMap((g) => [
        join('/sys/fs/cgroup/cpuacct', g.path, 'cpuacct.usage'),
        join('/sys/fs/cgroup/memory', g.path, 'memory.usage_in_bytes'),
      ]);
      const raw = await timeEach(() => files.forEach((f) => readFileSync(f, 'utf8')), opts.quick ? 10 : 30, 3);
      const s = summarize(
        ticks.map((us) => us / 1000),
        'ms',
      );
      figures.push(
        figure({
          id: `stats.tick.${count}`,
          title: `one stats tick, ${count} guest groups`,
          summary: s,
          floor: {
            label: 'raw reads of the same files',
            summary: summarize(
              raw.map((us) => us / 1000),
              'ms',
            ),
          },
          details: { 'per guest (µs)': (s.median * 1000) / count },
        }),
      );
    }
    // The sampler as the engine runs it: a timer at 1 tick/s over 1000 groups; the process's CPU time over wall time.
    const seconds = opts.quick ? 5 : 15;
    const sampler = new StatsSampler(
      () => groups,
      () => undefined,
      1000,
    );
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    sampler.start();
    await sleep(seconds * 1000);
    sampler.stop();
    const used = process.cpuUsage(cpu0);
    const percent = ((used.user + used.system) / 1000 / (performance.now() - t0)) * 100;
    figures.push(
      figure({
        id: 'stats.engine_cpu.1000',
        title: 'engine CPU at 1 tick/s, 1000 guest groups',
        summary: summarize([percent], '% of a CPU'),
        details: { 'seconds measured': seconds },
      }),
    );
  } finally {
    for (const g of groups) await g.remove().catch(() => undefined);
  }
  return figures;
}
