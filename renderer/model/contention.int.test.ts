// The contention model against the kernel: real spin guests (each vCPU that runs burns a CPU) in real cgroups on this
// host, the CPU each got measured from cpuacct over 10 s, compared with what the model predicts from nothing but the
// guests' settings (priority, vCPUs, cpuset, cap) and the host's CPUs. Runs alone (its own vitest project, after the
// integration suite): anything else on the CPUs would be measured too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CPU_PERIOD_US, CPU_SHARES, type DefinitionInput } from '../../shared';
import { describeOnHost } from '../../testing/describe-on-host';
import { startEngineHarness, type EngineHarness } from '../../testing/engine';
import { allocateCpu, cpuList, type Contender } from './contention';

const MEASURE_MS = 10_000;
const WARM_UP_MS = 2_000;
/** The acceptance: within 5 percentage points of one CPU, for every guest. */
const TOLERANCE_CPUS = 0.05;

interface Spin {
  name: string;
  shares?: number;
  vcpus?: number;
  cpuset?: string;
  capPercent?: number;
}

const SCENARIOS: { title: string; guests: Spin[] }[] = [
  { title: 'two spin guests 2:1, unpinned', guests: [{ name: 'a', shares: 2048 }, { name: 'b' }] },
  { title: 'three 4:1:1, unpinned', guests: [{ name: 'a', shares: 4096 }, { name: 'b' }, { name: 'c' }] },
  {
    title: 'three 4:1:1, pinned to one CPU',
    guests: [
      { name: 'a', shares: 4096, cpuset: '0' },
      { name: 'b', cpuset: '0' },
      { name: 'c', cpuset: '0' },
    ],
  },
  {
    title: 'one capped at 48 %, at 2× against a 1× guest on the same CPU',
    guests: [
      { name: 'a', shares: 2048, cpuset: '0', capPercent: 48 },
      { name: 'b', cpuset: '0' },
    ],
  },
  // Unpinned, three busy threads on two CPUs average what the model says, but over 10 s the kernel's load balancing
  // leaves them uneven by up to ±7 points (measured 64/63/73 at 1:1:1, 93/52/53 at 2:1:1): the two small guests share
  // CPU 1 here, and the big one may use both CPUs. (The boot sector spins on the first vCPU; the second waits for a
  // start-up IPI that never comes, as on real hardware before the OS wakes it.)
  {
    title: 'one 2-vCPU spin guest against two 1-vCPU ones sharing CPU 1',
    guests: [
      { name: 'big', vcpus: 2 },
      { name: 'b', cpuset: '1' },
      { name: 'c', cpuset: '1' },
    ],
  },
];

let t: EngineHarness;
const usageNs = (guest: string) => Number(readFileSync(join('/sys/fs/cgroup/cpuacct', t.dirs.partition, 'qemu', guest, 'cpuacct.usage'), 'utf8'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Busy CPU time of the whole host (ns): every state of /proc/stat's cpu line but idle and iowait. */
const hostBusyNs = () => {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  return ((user! + nice! + system! + irq! + softirq! + steal!) * 1e9) / CLOCK_TICKS;
};
const CLOCK_TICKS = 100; // USER_HZ: /proc/stat's unit on every Linux architecture we run on
const partitionNs = () => Number(readFileSync(join('/sys/fs/cgroup/cpuacct', t.dirs.partition, 'cpuacct.usage'), 'utf8'));
/** Other work on the host (another test run, a compiler) takes CPU the model does not know of: such a window is measured again. */
const OTHER_WORK_MAX_CPUS = 0.1;
const WINDOWS = 3;

const definition = (g: Spin, prefix: string): Partial<DefinitionInput> => ({
  vcpus: g.vcpus ?? 1,
  cpu: {
    shares: g.shares ?? CPU_SHARES.default,
    ...(g.cpuset ? { cpuset: g.cpuset } : {}),
    ...(g.capPercent ? { quotaUs: (g.capPercent * CPU_PERIOD_US.default) / 100, periodUs: CPU_PERIOD_US.default } : {}),
  },
  name: `${prefix}-${g.name}`,
});

describeOnHost(['root', 'cgroupV1', 'qemu'], 'the contention model matches the CPU the kernel gives (real spin guests, cpuacct)', () => {
  beforeAll(async () => {
    t = await startEngineHarness();
  });
  afterAll(async () => t?.teardown());

  it.each(SCENARIOS.map((s, i) => [s.title, i] as const))('%s', async (_title, i) => {
    const scenario = SCENARIOS[i]!;
    const prefix = `s${i}`;
    const names = scenario.guests.map((g) => `${prefix}-${g.name}`);
    try {
      for (const g of scenario.guests) {
        const d = definition(g, prefix);
        await t.engine.vmDefine(t.guest(d.name!, 'spin', d));
      }
      for (const name of names) await t.engine.vmStart({ name });
      await sleep(WARM_UP_MS);
      let measured: number[] = [];
      let otherCpus = 0;
      for (let w = 0; w < WINDOWS; w++) {
        const before = names.map(usageNs);
        const [host0, ours0] = [hostBusyNs(), partitionNs()];
        const t0 = performance.now();
        await sleep(MEASURE_MS);
        const elapsedNs = (performance.now() - t0) * 1e6;
        measured = names.map((name, k) => (usageNs(name) - before[k]!) / elapsedNs);
        otherCpus = (hostBusyNs() - host0 - (partitionNs() - ours0)) / elapsedNs;
        if (otherCpus <= OTHER_WORK_MAX_CPUS) break;
        console.log(`contention, ${scenario.title}: window ${w + 1} had ${(otherCpus * 100).toFixed(0)} % of a CPU of other work; measuring again`);
      }
      expect(otherCpus, `the host was busy with other work (${(otherCpus * 100).toFixed(0)} % of a CPU) in all ${WINDOWS} windows`).toBeLessThanOrEqual(
        OTHER_WORK_MAX_CPUS,
      );

      const contenders: Contender[] = scenario.guests.map((g, k) => ({
        name: names[k]!,
        shares: g.shares ?? CPU_SHARES.default,
        vcpus: g.vcpus ?? 1,
        cpus: g.cpuset ? cpuList(g.cpuset) : undefined,
        capCpus: g.capPercent ? g.capPercent / 100 : undefined,
      }));
      const host = cpuList(readFileSync('/sys/devices/system/cpu/online', 'utf8').trim());
      const predicted = allocateCpu(contenders, host).map((a) => a.cpus);
      const report = names.map((n, k) => `${n}: measured ${(measured[k]! * 100).toFixed(1)} %, predicted ${(predicted[k]! * 100).toFixed(1)} %`);
      console.log(`contention, ${scenario.title}: ${report.join('; ')}`);
      for (const [k] of names.entries()) {
        expect(Math.abs(measured[k]! - predicted[k]!), report.join('; ')).toBeLessThanOrEqual(TOLERANCE_CPUS);
      }
    } finally {
      for (const name of names) await t.engine.vmDestroy({ name }).catch(() => undefined);
      for (const name of names) await t.engine.vmUndefine({ name }).catch(() => undefined);
    }
  });
});
