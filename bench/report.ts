// The bench's outputs: a table on stdout and bench/results.json (every figure with its unit, median, p99, min/max,
// sample count, and the floor measured in the same run).
import { writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import type { Figure, Summary } from './measure';

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
const cell = (s: Summary) =>
  s.samples === 1 ? `${fmt(s.median)} ${s.unit}` : `${fmt(s.median)} ${s.unit} (p95 ${fmt(s.p95)}, p99 ${fmt(s.p99)}, n=${s.samples})`;

export function printTable(figures: readonly Figure[]): void {
  const rows = figures.map((f) => [
    f.title,
    cell(f.summary),
    f.floor ? `${f.floor.label}: ${cell(f.floor.summary)}` : '',
    f.ratio !== undefined ? `${f.ratio.toFixed(2)}×` : '',
  ]);
  const head = ['figure', 'median', 'floor (same run)', 'ratio'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  for (const f of figures) {
    if (f.details) for (const [k, v] of Object.entries(f.details)) console.log(`  ${f.title} — ${k}: ${typeof v === 'number' ? fmt(v) : v}`);
    if (f.note) console.log(`  ${f.title} — ${f.note}`);
  }
}

export function writeResults(path: string, figures: readonly Figure[], extra: Record<string, unknown>): void {
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, kernel: release(), node: process.version, ...extra };
  writeFileSync(path, `${JSON.stringify({ at: new Date().toISOString(), machine, figures }, null, 2)}\n`);
}
