// The engine's real cgroup v2 backend on a real cgroup v2 kernel: this host mounts cgroup v1, so the checks run in the
// pure v2 test host (./v2-host.ts: Debian's kernel under TCG, every controller enabled at the root, this host's Node in
// a chroot of its own root over 9p). The guest runs ./v2-host-suite.ts once; each `it` asserts one of its checks and
// logs its figures. testing/fake-cgroup2.ts stays for what needs no kernel (the rules' edge cases, fast, in unit).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnHost } from './describe-on-host';
import { bundleForV2Host, runInV2Host, V2_USER, type V2HostRun } from './v2-host';
import type { V2Result } from './v2-host-suite';

// Boot about 5 s, the checks about 40 s (split windows of 5 s and 8 s, each with its floor, a 4 s cap window) on this
// host's TCG: 45 s in all; generous for a second integration file on the same two cores.
const RUN_TIMEOUT_MS = 300_000;
const PARTITION = '/cgvirt-v2';
const DELEGATED = '/user.slice/user-1000.slice/user@1000.service';

type Figures = Record<string, unknown>;

describeOnHost(['root', 'qemu', 'linuxKernel', 'busybox'], 'the cgroup v2 backend on a real cgroup v2 kernel (the v2 test host)', () => {
  let bundleDir: string | undefined;
  let run: V2HostRun;
  const results = new Map<string, V2Result>();

  beforeAll(async () => {
    bundleDir = mkdtempSync(join(tmpdir(), 'cgvirt-v2-suite-'));
    const suite = await bundleForV2Host(join(import.meta.dirname, 'v2-host-suite.ts'), bundleDir);
    run = await runInV2Host(suite, [], { timeoutMs: RUN_TIMEOUT_MS - 10_000 });
    for (const r of run.results as V2Result[]) results.set(r.check, r);
    console.info(`v2 host: guest kernel's cgroup.controllers: ${run.controllers.join(' ')}; boot, checks and power-off in ${run.seconds.toFixed(1)} s`);
  }, RUN_TIMEOUT_MS);
  afterAll(() => {
    if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  });

  /** One check's figures; fails with the guest's log when the check is missing or threw. */
  const check = (name: string): Figures => {
    const r = results.get(name);
    if (!r) throw new Error(`the suite printed no '${name}' check (exit ${run.exitCode}); guest log:\n${run.log.slice(-6000)}`);
    if ('error' in r) throw new Error(`check '${name}' failed in the guest: ${String(r.error)}`);
    return r;
  };

  it('boots with every controller enabled at the root and runs the suite to the end', () => {
    expect(run.controllers).toEqual(expect.arrayContaining(['cpuset', 'cpu', 'io', 'memory', 'pids']));
    expect(run.exitCode, run.log.slice(-4000)).toBe(0);
    expect([...results.values()].filter((r) => 'error' in r)).toEqual([]);
    const d = check('detection');
    expect(d).toMatchObject({ mode: 'v2', privileged: true, writable: true, rootSubtreeControl: run.controllers.join(' ') });
    expect(d.controllers).toMatchObject({ cpu: 'v2', cpuacct: 'v2', cpuset: 'v2', memory: 'v2' });
    expect(check('cleanup')).toMatchObject({ remaining: [] });
  });

  it('builds partition → driver → guest, moving the engine out of its partition first (no internal processes)', () => {
    const h = check('hierarchy');
    console.info(
      `v2 hierarchy: engine ${String(h.engineGroupBefore)} → ${String(h.engineGroupAfter)}; subtree_control of the partition "${String(h.partitionSubtreeControl)}", of the driver "${String(h.driverSubtreeControl)}"`,
    );
    expect(h.engineGroupBefore).toBe(PARTITION);
    expect(h.engineGroupAfter).toBe(`${PARTITION}/engine`);
    for (const key of ['partitionSubtreeControl', 'driverSubtreeControl', 'guestControllers'])
      expect(String(h[key]).split(' '), key).toEqual(expect.arrayContaining(['cpu', 'cpuset', 'memory']));
    expect(h.guestGroup).toBe(`${PARTITION}/qemu/probe`);
    expect(h.guestHasFiles).toEqual(['cpu.weight', 'cpu.max', 'cpuset.cpus', 'memory.max']);
  });

  for (const [sharesA, sharesB, weights] of [
    [2048, 1024, [200, 100]],
    [4096, 1024, [400, 100]],
  ] as const) {
    const target = sharesA / sharesB;
    it(`splits one CPU ${target}:1 between two guests at cpu_shares ${sharesA}:${sharesB} (within 2%)`, () => {
      const s = check(`split ${target}:1`);
      const floor = check(`floor ${target}:1`);
      console.info(
        `v2 split ${target}:1: cpu_shares ${sharesA}:${sharesB} → cpu.weight ${String(s.weights)}, measured ${String(s.ratio)} ` +
          `(error ${String(s.errorPct)}%, ${String(s.aUs)}/${String(s.bUs)} µs over ${String(s.windowS)} s); the kernel's own split at the same ` +
          `weights in plain groups: ${String(floor.ratio)} (error ${String(floor.errorPct)}%)`,
      );
      expect(s.weights).toEqual(weights);
      expect(floor.weights).toEqual(weights);
      expect(s.sharesReadBack).toEqual([sharesA, sharesB]);
      expect(s.cpusets).toEqual(['0', '0']);
      expect(Number(s.errorPct), `the kernel's own split erred ${String(floor.errorPct)}%`).toBeLessThanOrEqual(2);
    });
  }

  it('caps a busy loop to its cpu.max quota (25% ± 3)', () => {
    const c = check('cpu.max cap');
    console.info(
      `v2 cap: cpu.max "${String(c.cpuMax)}" held a busy loop to ${String(c.percent)}% of a CPU over ${String(c.windowS)} s (throttled ${String(c.nrThrottled)} times)`,
    );
    expect(c.cpuMax).toBe('25000 100000');
    expect(c.quota).toEqual({ quotaUs: 25_000, periodUs: 100_000 });
    expect(Math.abs(Number(c.percent) - 25)).toBeLessThanOrEqual(3);
    expect(Number(c.nrThrottled)).toBeGreaterThan(0);
  });

  it('OOM-kills a memory hog at its memory.max while the engine process survives', () => {
    const m = check('memory.max');
    const events = m.events as Record<string, number>;
    console.info(
      `v2 memory: memory.max ${String(m.limitMiB)} MiB; the hog got to ${String(m.hogReachedMiB)} MiB (peak ${String(m.peakMiB)} MiB), ended ` +
        `${JSON.stringify(m.hogExit)}, oom_kill ${events.oom_kill}; the engine still runs in ${String(m.engineGroup)}`,
    );
    expect(m.memoryMax).toBe(String(96 * 2 ** 20));
    expect(m.limitReadBack).toBe(96);
    expect(m.hogExit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(events.oom_kill).toBeGreaterThanOrEqual(1);
    expect(Number(m.hogReachedMiB)).toBeLessThan(96);
    expect(m.engineAlive).toBe(true);
    expect(m.engineGroup).toBe(`${PARTITION}/engine`);
  });

  it(`detects a subtree delegated to uid ${V2_USER.uid} (as systemd's Delegate=yes leaves it) and works in it`, () => {
    const d = check('delegated detection');
    const det = d.detection as {
      privileged: boolean;
      writable: boolean;
      v2: { ownPath: string; controllers: string[] };
      controllers: Record<string, string>;
    };
    const devices = d.devices as { usable: boolean; reason: string | null };
    const inside = d.inDelegatedSubtree as { ok: boolean; error?: string; partition: string; managerMovedTo?: string; guestWeight?: number };
    console.info(
      `v2 delegated: uid ${String(d.uid)} in ${det.v2.ownPath}, offered ${det.v2.controllers.join(' ')}, writable ${det.writable}; ` +
        `device filter: ${devices.usable ? 'usable' : devices.reason}; partition found without configuration ${inside.partition}: ` +
        (inside.ok ? `works (engine moved to ${inside.managerMovedTo}, guest cpu.weight ${inside.guestWeight})` : String(inside.error)),
    );
    expect(d.exitCode).toBe(0);
    expect(d.uid).toBe(V2_USER.uid);
    expect(det).toMatchObject({ privileged: false, writable: true, v2: { ownPath: DELEGATED } });
    expect(det.v2.controllers).toEqual(expect.arrayContaining(['cpu', 'cpuset', 'memory']));
    expect(det.controllers).toMatchObject({ cpu: 'v2', cpuset: 'v2', memory: 'v2' });
    // No CGVIRT_CGROUP_PARTITION: the partition goes in the delegated subtree, the engine moves into its leaf there.
    expect(inside).toMatchObject({ ok: true, partition: `${DELEGATED}/cgvirt`, managerMovedTo: `${DELEGATED}/cgvirt/engine`, guestWeight: 200 });
    // The device filter needs privilege (BPF): unavailable, with the reason the window shows.
    expect(devices).toMatchObject({ usable: false, reason: expect.stringMatching(/privilege|root|CAP_BPF/i) });
  });

  it('the BPF device filter denies by default, allows what the ACL names, and changes live (in the guest kernel)', () => {
    const b = check('bpf device filter');
    console.info(`v2 BPF device filter: ${JSON.stringify(b)}`);
    expect(b).toMatchObject({
      first: { nullWrite: 'ok', zeroRead: 'ok', zeroWrite: 'EPERM', urandomRead: 'EPERM' },
      afterLiveChange: { urandomRead: 'ok', nullWrite: 'EPERM' },
    });
  });
});
