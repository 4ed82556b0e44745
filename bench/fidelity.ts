// Priority fidelity: two spin guests pinned to the same CPU, their cpu_shares set live through the engine at 1:1, 2:1,
// 4:1, 8:1; the CPU time each group used (cpuacct) gives the achieved ratio. The kernel's own split on this machine
// (libvirt's measurement) was 2.001 for 2:1 and 3.999 for 4:1.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestEngine } from '../testing/engine';
import { figure, summarize, type Figure } from './measure';

const KERNEL_ANCHOR: Record<number, number> = { 2: 2.001, 4: 3.999 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchFidelity(opts: { quick: boolean }): Promise<Figure[]> {
  const seconds = opts.quick ? 3 : 10;
  const t = await startTestEngine();
  const usage = (name: string) => Number(readFileSync(join('/sys/fs/cgroup/cpuacct', t.dirs.partition, 'qemu', name, 'cpuacct.usage'), 'utf8'));
  const figures: Figure[] = [];
  try {
    for (const name of ['hi', 'lo']) {
      await t.engine.define(t.guest(name, 'spin', { cpu: { cpuset: '0' } }));
      await t.engine.start(name);
    }
    for (const ratio of [1, 2, 4, 8]) {
      const shares = (value: number) => [{ field: 'cpu_shares' as const, type: 'ullong' as const, value }];
      await t.engine.schedSet('hi', shares(1024 * ratio), { live: true });
      await t.engine.schedSet('lo', shares(1024), { live: true });
      await sleep(1000); // let CFS settle on the new weights
      // Several windows, so the figure has a spread as well as a median.
      const windows: number[] = [];
      for (let w = 0; w < seconds; w++) {
        const [h0, l0] = [usage('hi'), usage('lo')];
        await sleep(1000);
        windows.push((usage('hi') - h0) / (usage('lo') - l0));
      }
      const s = summarize(windows, '×');
      figures.push(
        figure({
          id: `fidelity.${ratio}to1`,
          title: `priority fidelity ${ratio}:1 (two spin guests on CPU 0)`,
          summary: s,
          details: {
            'error %': Math.abs((s.median / ratio - 1) * 100),
            ...(KERNEL_ANCHOR[ratio] ? { 'anchor: kernel split measured with libvirt': KERNEL_ANCHOR[ratio]! } : {}),
          },
        }),
      );
    }
  } finally {
    await t.teardown();
  }
  return figures;
}
