// Priority fidelity on cgroup v2: this machine mounts cgroup v1, so the pure v2 test host (testing/v2-host.ts: Debian's
// kernel under TCG, every controller enabled at the root) boots once and runs testing/v2-host-suite.ts's `splits` mode.
// For cpu_shares 2:1, 4:1, 8:1 it measures two busy loops in two guest groups made by the engine's real v2 backend
// (setCpuShares through its shares → cpu.weight conversion, setCpuset('0'): both on one CPU), a few windows each. The
// floor is the kernel alone in the same guest run: two bare busy loops in plain groups at the same raw cpu.weight values,
// on the same CPU, measured just before. The ratio field is measured ÷ floor; the error vs configured is in details.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleForV2Host, runInV2Host } from '../testing/v2-host';
import { figure, summarize, type Figure } from './measure';

const RATIOS = [2, 4, 8];

interface SplitLine {
  check: string;
  error?: string;
  target: number;
  weights: [number, number];
  shares?: [number, number];
  cpusets?: [string, string];
  ratios: number[];
  windowS: number;
  seconds: number;
}

export async function benchFidelityV2(opts: { quick: boolean }): Promise<Figure[]> {
  // Windows of a few seconds: under TCG a few ms misattributed while QEMU's vCPU thread waits for a host core weigh
  // more in the lighter group (a ninth of the CPU at 8:1). Six measurements: quick ≈ 40 s, full ≈ 95 s, plus the boot.
  const [windowS, windows] = opts.quick ? [2, 3] : [3, 5];
  const dir = mkdtempSync(join(tmpdir(), 'cgvirt-bench-v2-'));
  try {
    const suite = await bundleForV2Host(join(import.meta.dirname, '..', 'testing', 'v2-host-suite.ts'), dir);
    const run = await runInV2Host(suite, ['splits', RATIOS.join(','), String(windowS), String(windows)], { timeoutMs: 240_000 });
    const lines = new Map((run.results as SplitLine[]).map((r) => [r.check, r]));
    const get = (check: string): SplitLine => {
      const r = lines.get(check);
      if (!r || r.error) throw new Error(`fidelity-v2: ${r?.error ?? `no '${check}' line`} (exit ${run.exitCode}); guest log:\n${run.log.slice(-4000)}`);
      return r;
    };
    if (run.exitCode !== 0) throw new Error(`fidelity-v2: the suite exited ${run.exitCode}; guest log:\n${run.log.slice(-4000)}`);
    return RATIOS.map((ratio) => {
      const floor = get(`fidelity floor ${ratio}:1`);
      const split = get(`fidelity split ${ratio}:1`);
      const s = summarize(split.ratios, '×');
      const f = summarize(floor.ratios, '×');
      return figure({
        id: `fidelity-v2.${ratio}to1`,
        title: `cgroup v2 priority fidelity ${ratio}:1 (two busy loops in guest groups on CPU 0, TCG)`,
        summary: s,
        floor: { label: 'kernel alone: two busy loops, plain groups, same cpu.weight', summary: f },
        details: {
          'error % vs configured': Math.abs((s.median / ratio - 1) * 100),
          'floor error % vs configured': Math.abs((f.median / ratio - 1) * 100),
          cpu_shares: split.shares!.join(':'),
          'cpu.weight (backend)': split.weights.join(':'),
          'cpu.weight (floor)': floor.weights.join(':'),
          window: `${windows} × ${windowS} s`,
          'v2 host run s': Number(run.seconds.toFixed(1)),
        },
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
