// Timing and summarizing samples for the benchmarks. Figures report what was measured, with the floor (what the
// kernel or QEMU alone costs) measured in the same run, and their ratio.

export interface Summary {
  unit: string;
  samples: number;
  median: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}

export interface Figure {
  id: string;
  title: string;
  summary: Summary;
  floor?: { label: string; summary: Summary };
  /** median ÷ floor median */
  ratio?: number;
  /** Other numbers that belong to this figure (stages, anchors, per-guest costs). */
  details?: Record<string, number | string>;
  note?: string;
}

export function summarize(values: readonly number[], unit: string): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return { unit, samples: sorted.length, median: at(0.5), p95: at(0.95), p99: at(0.99), min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN };
}

/** Runs `fn` `iterations` times after `warmup` runs; returns each run's duration in µs. */
export async function timeEach(fn: () => unknown, iterations: number, warmup = Math.min(100, iterations)): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return out;
}

export function figure(f: Omit<Figure, 'ratio'>): Figure {
  return f.floor ? { ...f, ratio: f.summary.median / f.floor.summary.median } : f;
}
