// `npm run bench`: every benchmark on this machine, a table, and bench/results.json.
//   --only cgroup,fidelity,...   run some parts       --quick   shorter runs
// It uses the real engine, real cgroups and real QEMU in a temporary partition that is removed at the end, also when
// interrupted (SIGINT/SIGTERM).
import { removeAllEngineDirs } from '../testing/engine';
import { newTestPartition, removeAllTestPartitions, sweepDeadTestPartitions } from '../testing/partition';
import { benchBoot } from './boot';
import { benchCgroup } from './cgroup';
import { benchConsole } from './console';
import { benchControl } from './control';
import { benchFidelity } from './fidelity';
import { benchFidelityV2 } from './fidelity-v2';
import { benchMemory } from './memory';
import { benchStart } from './start';
import { benchStats } from './stats';
import { benchUi } from './ui';
import type { Figure } from './measure';
import { printTable, writeResults } from './report';

const PARTS = {
  cgroup: (opts: { quick: boolean }) => benchCgroup(newTestPartition(), opts),
  start: benchStart,
  fidelity: benchFidelity,
  'fidelity-v2': benchFidelityV2,
  control: benchControl,
  stats: (opts: { quick: boolean }) => benchStats(newTestPartition(), opts),
  memory: benchMemory,
  ui: benchUi,
  console: benchConsole,
  boot: benchBoot,
} as const;
type Part = keyof typeof PARTS;

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.includes('--only') ? (args[args.indexOf('--only') + 1] ?? '') : '';
const only = (onlyArg ? onlyArg.split(',') : Object.keys(PARTS)) as Part[];
const unknown = only.filter((p) => !(p in PARTS));
if (unknown.length) {
  console.error(`unknown bench part(s) ${unknown.join(', ')}; parts: ${Object.keys(PARTS).join(', ')}`);
  process.exit(2);
}

// Every partition and temporary dir the parts made goes, with the processes inside (they are ours).
let cleaning: Promise<void> | null = null;
const cleanup = () => (cleaning ??= removeAllTestPartitions().finally(removeAllEngineDirs));
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    console.error(`\nbench interrupted (${sig}): cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

await sweepDeadTestPartitions();
const figures: Figure[] = [];
try {
  for (const part of only) {
    console.error(`bench: ${part}...`);
    figures.push(...(await PARTS[part]({ quick })));
  }
} finally {
  await cleanup();
}
printTable(figures);
writeResults('bench/results.json', figures, { quick, parts: only });
console.log('\nwrote bench/results.json');
