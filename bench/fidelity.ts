// Priority fidelity: two spin guests pinned to the same CPU, their cpu_shares set live through the engine at 1:1, 2:1,
// 4:1, 8:1; the CPU time each group used (cpuacct) gives the achieved ratio. The floor is the kernel alone in the same
// run: two plain busy-loop processes in two bare groups with the same shares, pinned to the same CPU. (libvirt's
// measurement of the kernel's split on this machine: 2.001 for 2:1, 3.999 for 4:1.)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEngineHarness } from '../testing/engine';
import { figure, summarize, type Figure, type Summary } from './measure';

const KERNEL_ANCHOR: Record<number, number> = { 2: 2.001, 4: 3.999 };
const RATIOS = [1, 2, 4, 8];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Ratios of CPU time used by `hi` over `lo`, one per one-second window, after a second to settle. */
async function windows(usage: (which: 'hi' | 'lo') => number, seconds: number): Promise<number[]> {
  await sleep(1000);
  const out: number[] = [];
  for (let w = 0; w < seconds; w++) {
    const [h0, l0] = [usage('hi'), usage('lo')];
    await sleep(1000);
    out.push((usage('hi') - h0) / (usage('lo') - l0));
  }
  return out;
}

/** The kernel alone: bare groups under the bench's partition, `sh` busy loops, raw control-file writes. */
async function kernelSplit(partition: string, seconds: number): Promise<Map<number, Summary>> {
  const dir = (c: string, g: string) => join('/sys/fs/cgroup', c, partition, 'floor', g);
  const controllers = ['cpu', 'cpuacct', 'cpuset'];
  const made: string[] = [];
  const loops: ChildProcess[] = [];
  const out = new Map<number, Summary>();
  try {
    for (const c of controllers) {
      for (const d of [join('/sys/fs/cgroup', c, partition), join('/sys/fs/cgroup', c, partition, 'floor'), dir(c, 'hi'), dir(c, 'lo')]) {
        try {
          mkdirSync(d);
          made.unshift(d);
        } catch {
          // exists
        }
        if (c === 'cpuset') {
          writeFileSync(join(d, 'cpuset.mems'), readFileSync(join(d, '..', 'cpuset.mems')));
          writeFileSync(join(d, 'cpuset.cpus'), '0');
        }
      }
    }
    for (const g of ['hi', 'lo'] as const) {
      const procs = controllers.map((c) => join(dir(c, g), 'cgroup.procs'));
      loops.push(spawn('sh', ['-c', 'for f; do echo $$ > "$f"; done; exec sh -c "while :; do :; done"', 'sh', ...procs], { stdio: 'ignore' }));
    }
    const usage = (g: 'hi' | 'lo') => Number(readFileSync(join(dir('cpuacct', g), 'cpuacct.usage'), 'utf8'));
    for (const ratio of RATIOS) {
      writeFileSync(join(dir('cpu', 'hi'), 'cpu.shares'), String(1024 * ratio));
      writeFileSync(join(dir('cpu', 'lo'), 'cpu.shares'), '1024');
      out.set(ratio, summarize(await windows(usage, seconds), '×'));
    }
  } finally {
    for (const l of loops) l.kill('SIGKILL');
    await Promise.all(loops.filter((l) => l.exitCode === null && l.signalCode === null).map((l) => new Promise((r) => l.once('exit', r))));
    for (const d of made) {
      for (let i = 0; i < 100; i++) {
        try {
          rmdirSync(d);
          break;
        } catch {
          await sleep(20);
        }
      }
    }
  }
  return out;
}

export async function benchFidelity(opts: { quick: boolean }): Promise<Figure[]> {
  const seconds = opts.quick ? 3 : 10;
  const t = await startEngineHarness();
  const figures: Figure[] = [];
  try {
    const floor = await kernelSplit(t.dirs.partition, seconds);
    const usage = (name: string) => Number(readFileSync(join('/sys/fs/cgroup/cpuacct', t.dirs.partition, 'qemu', name, 'cpuacct.usage'), 'utf8'));
    for (const name of ['hi', 'lo']) {
      await t.engine.vmDefine(t.guest(name, 'spin', { cpu: { cpuset: '0' } }));
      await t.engine.vmStart({ name: name });
    }
    for (const ratio of RATIOS) {
      const shares = (value: number) => [{ field: 'cpu_shares' as const, type: 'ullong' as const, value }];
      await t.engine.schedSet({ name: 'hi', params: shares(1024 * ratio), flags: { live: true } });
      await t.engine.schedSet({ name: 'lo', params: shares(1024), flags: { live: true } });
      const s = summarize(await windows(usage, seconds), '×');
      figures.push(
        figure({
          id: `fidelity.${ratio}to1`,
          title: `priority fidelity ${ratio}:1 (two spin guests on CPU 0)`,
          summary: s,
          floor: { label: 'kernel alone: two busy loops', summary: floor.get(ratio)! },
          details: {
            'error % vs configured': Math.abs((s.median / ratio - 1) * 100),
            ...(KERNEL_ANCHOR[ratio] ? { 'anchor: kernel split measured with libvirt': KERNEL_ANCHOR[ratio] } : {}),
          },
        }),
      );
    }
  } finally {
    await t.teardown();
  }
  return figures;
}
