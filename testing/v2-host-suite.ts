// What runs inside the cgroup v2 test host (testing/v2-host.ts), bundled by esbuild into one file: the engine's REAL
// cgroup layer (electron/engine/cgroup: detection, the v2 backend, the partition → driver → guest hierarchy) against
// the guest kernel's real cgroup2 tree, with every controller enabled at the root. Each check prints one JSON line with
// its figures; the host side (testing/v2-host.int.test.ts) asserts them. Nothing here decides pass or fail.
//
//   node v2-host-suite.mjs             the checks, as root (the guest's pid 1 runs it in a chroot of the host)
//   node v2-host-suite.mjs delegated   the detection (and a hierarchy in the delegated subtree) as an unprivileged user;
//                                      the root run starts it that way itself
//   node v2-host-suite.mjs splits R,R.. W N
//                                      only the priority splits (bench/fidelity-v2.ts): per ratio R, the kernel's floor
//                                      then the backend's split, N windows of W seconds each
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupHierarchy, readHostDetection, type CgroupDetection, type GuestGroup } from '../electron/engine/cgroup';
import { sharesToWeight } from '../electron/engine/cgroup/cpu-weight';

const MOUNT = '/sys/fs/cgroup';
/** The engine's partition in the guest (the engine process itself is put in it first: the no-internal-process case). */
const PARTITION = '/cgvirt-v2';
/** Plain groups for the kernel's own split, written without the engine. */
const FLOOR = '/v2-floor';
/** A delegated subtree as systemd's Delegate=yes leaves one for user 1000's manager. */
const DELEGATED = '/user.slice/user-1000.slice/user@1000.service';
const USER = { uid: 1000, gid: 1000 };
/**
 * Measurement windows, seconds (TCG: the guest's clock is real time, its CPUs slower). A few ms misattributed while
 * QEMU's vCPU thread waits for a host core (other suites run beside this one) weigh more in a short window: 5 s erred
 * 1.4% (4:1) and 1.77% (2:1, in CI) against the 2% allowed, so both get 8 s.
 */
const SPLIT_WINDOW_S = 8;
const CAP_WINDOW_S = Number(process.env.V2_CAP_WINDOW_S ?? 4);

export type V2Result = { check: string } & Record<string, unknown>;

const emit = (r: V2Result) => process.stdout.write(`${JSON.stringify(r)}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dirOf = (group: string) => join(MOUNT, group);
const readCg = (group: string, file: string) => readFileSync(join(dirOf(group), file), 'utf8').trim();
const writeCg = (group: string, file: string, data: string) => writeFileSync(join(dirOf(group), file), data);
const usageUs = (group: string) => Number(/^usage_usec (\d+)$/m.exec(readCg(group, 'cpu.stat'))![1]);
const ownGroup = () => /^0::(.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'))![1]!;
const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/** Processes this suite started, ended by pid at the end of each check. */
const started = new Set<ChildProcess>();

/**
 * Starts `argv` in cgroup `group` from its first instruction: a shell that waits for a line, is moved into the group
 * (by `place`, or by writing its pid into the group's cgroup.procs), then execs `argv` (the pid stays the same).
 */
async function spawnIn(
  group: string | ((pid: number) => void),
  argv: string[],
  opts: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<ChildProcess> {
  const child = spawn('/bin/sh', ['-c', 'read go; exec "$@"', 'sh', ...argv], {
    stdio: ['pipe', 'pipe', 'inherit'],
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid ?? opts.uid } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  await new Promise<void>((ok, fail) => {
    child.once('spawn', ok);
    child.once('error', fail);
  });
  if (typeof group === 'function') group(child.pid!);
  else writeCg(group, 'cgroup.procs', String(child.pid));
  child.stdin.write('go\n');
  return child;
}

const BUSY = ['/bin/sh', '-c', 'while :; do :; done'];

async function stopAll(): Promise<void> {
  const exits = [...started].map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r))));
  for (const c of started) c.kill('SIGKILL');
  await Promise.all(exits);
}

/** CPU time of two groups over one window after a short settling time: a's share to b's. */
/** The floor's two plain groups `${FLOOR}/a` and `/b` at raw weights `wa`, `wb`, both on CPU 0, each running a busy loop. */
async function startFloor(wa: number, wb: number): Promise<void> {
  mkGroup(FLOOR);
  writeCg(FLOOR, 'cgroup.subtree_control', '+cpu +cpuset');
  for (const [name, w] of [
    ['a', wa],
    ['b', wb],
  ] as const) {
    mkGroup(`${FLOOR}/${name}`);
    writeCg(`${FLOOR}/${name}`, 'cpu.weight', String(w));
    writeCg(`${FLOOR}/${name}`, 'cpuset.cpus', '0');
  }
  await spawnIn(`${FLOOR}/a`, BUSY);
  await spawnIn(`${FLOOR}/b`, BUSY);
}

async function measureSplit(a: string, b: string, windowS: number): Promise<{ aUs: number; bUs: number; ratio: number; windowS: number }> {
  await sleep(500);
  const [a0, b0] = [usageUs(a), usageUs(b)];
  await sleep(windowS * 1000);
  const [a1, b1] = [usageUs(a), usageUs(b)];
  return { aUs: a1 - a0, bUs: b1 - b0, ratio: round((a1 - a0) / (b1 - b0), 4), windowS };
}

const errorPct = (ratio: number, target: number) => round(Math.abs(ratio / target - 1) * 100, 2);

function mkGroup(group: string): void {
  if (!existsSync(dirOf(group))) mkdirSync(dirOf(group));
}

/** Removes a group tree (deepest first) whose processes have exited. */
async function rmTree(group: string): Promise<void> {
  if (!existsSync(dirOf(group))) return;
  for (const e of readdirSync(dirOf(group), { withFileTypes: true })) if (e.isDirectory()) await rmTree(`${group}/${e.name}`);
  for (let i = 0; ; i++) {
    try {
      rmdirSync(dirOf(group));
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EBUSY' || i > 200) throw e;
      await sleep(25);
    }
  }
}

async function step(check: string, body: () => Promise<Record<string, unknown>>): Promise<void> {
  const t0 = Date.now();
  try {
    emit({ check, ...(await body()), seconds: round((Date.now() - t0) / 1000, 1) });
  } catch (e) {
    emit({ check, error: (e as Error).stack ?? String(e), seconds: round((Date.now() - t0) / 1000, 1) });
  } finally {
    await stopAll();
  }
}

const summary = (d: CgroupDetection) => ({
  mode: d.mode,
  privileged: d.privileged,
  writable: d.writable,
  v2: d.v2 ? { mountPoint: d.v2.mount.mountPoint, ownPath: d.v2.ownPath, controllers: d.v2.controllers } : null,
  controllers: Object.fromEntries(Object.entries(d.controllers).map(([k, c]) => [k, c.usable ? `v${c.version}` : `unusable: ${c.reason}`])),
});

// ---------------------------------------------------------------------------------------------------------------------

async function rootSuite(): Promise<void> {
  const detection = readHostDetection();
  emit({ check: 'detection', ...summary(detection), rootSubtreeControl: readCg('/', 'cgroup.subtree_control') });

  // The engine process sits in its own partition, as when an admin starts it in a unit's group: the backend must move
  // itself into a leaf before the partition can hand controllers to the driver (the no-internal-process rule).
  let h: CgroupHierarchy | undefined;
  await step('hierarchy', async () => {
    mkGroup(PARTITION);
    writeCg(PARTITION, 'cgroup.procs', String(process.pid));
    const before = ownGroup();
    h = new CgroupHierarchy(detection, { partition: PARTITION });
    h.ensureDriver();
    const g = await h.createGuest('probe');
    const files = readdirSync(dirOf(g.path));
    const out = {
      engineGroupBefore: before,
      engineGroupAfter: ownGroup(),
      partitionSubtreeControl: readCg(PARTITION, 'cgroup.subtree_control'),
      driverSubtreeControl: readCg(h.driver, 'cgroup.subtree_control'),
      guestGroup: g.path,
      guestControllers: readCg(g.path, 'cgroup.controllers'),
      guestHasFiles: ['cpu.weight', 'cpu.max', 'cpuset.cpus', 'memory.max'].filter((f) => files.includes(f)),
    };
    await g.remove();
    return out;
  });
  if (!h) return;
  const hier = h;

  const guestPair = async (sharesA: number, sharesB: number): Promise<[GuestGroup, GuestGroup]> => {
    const a = await hier.createGuest(`split-a-${sharesA}`);
    const b = await hier.createGuest(`split-b-${sharesB}`);
    a.setCpuShares(sharesA);
    b.setCpuShares(sharesB);
    a.setCpuset('0');
    b.setCpuset('0');
    return [a, b];
  };

  for (const [sharesA, sharesB] of [
    [2048, 1024],
    [4096, 1024],
  ] as const) {
    const target = sharesA / sharesB;
    const [wa, wb] = [sharesToWeight(sharesA), sharesToWeight(sharesB)];
    // The floor: the kernel's own split at the same raw weights in plain groups, the engine not involved.
    await step(`floor ${target}:1`, async () => {
      await startFloor(wa, wb);
      const m = await measureSplit(`${FLOOR}/a`, `${FLOOR}/b`, SPLIT_WINDOW_S);
      await stopAll();
      await rmTree(FLOOR);
      return { weights: [wa, wb], target, ...m, errorPct: errorPct(m.ratio, target) };
    });
    await step(`split ${target}:1`, async () => {
      const [a, b] = await guestPair(sharesA, sharesB);
      await spawnIn((pid) => a.addProcess(pid), BUSY);
      await spawnIn((pid) => b.addProcess(pid), BUSY);
      const m = await measureSplit(a.path, b.path, SPLIT_WINDOW_S);
      const out = {
        shares: [sharesA, sharesB],
        weights: [Number(readCg(a.path, 'cpu.weight')), Number(readCg(b.path, 'cpu.weight'))],
        sharesReadBack: [a.getCpuShares(sharesA), b.getCpuShares(sharesB)],
        cpusets: [a.getCpuset(), b.getCpuset()],
        target,
        ...m,
        errorPct: errorPct(m.ratio, target),
      };
      await stopAll();
      await a.remove({ kill: true });
      await b.remove({ kill: true });
      return out;
    });
  }

  await step('cpu.max cap', async () => {
    const g = await hier.createGuest('cap');
    g.setCpuQuota(25_000, 100_000);
    await spawnIn((pid) => g.addProcess(pid), BUSY);
    await sleep(500);
    const [u0, t0] = [usageUs(g.path), process.hrtime.bigint()];
    await sleep(CAP_WINDOW_S * 1000);
    const [u1, t1] = [usageUs(g.path), process.hrtime.bigint()];
    const stat = readCg(g.path, 'cpu.stat');
    const out = {
      cpuMax: readCg(g.path, 'cpu.max'),
      quota: g.getCpuQuota(),
      percent: round(((u1 - u0) / (Number(t1 - t0) / 1000)) * 100, 2),
      target: 25,
      windowS: CAP_WINDOW_S,
      nrThrottled: Number(/^nr_throttled (\d+)$/m.exec(stat)?.[1] ?? NaN),
    };
    await stopAll();
    await g.remove({ kill: true });
    return out;
  });

  await step('memory.max', async () => {
    const g = await hier.createGuest('hog');
    const limitMiB = 96;
    g.setMemoryLimitMiB(limitMiB);
    // Touches every page (Buffer.alloc fills), 8 MiB at a time, and says how far it got.
    const hog = `const a=[];for(let i=1;i<=128;i++){a.push(Buffer.alloc(8<<20,1));process.stdout.write(i*8+"\\n")}`;
    const child = await spawnIn((pid) => g.addProcess(pid), [process.execPath, '-e', hog]);
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const ended = await Promise.race([
      new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal }))),
      // unref'd: a pending timer would keep this process (and the guest) alive after the last check.
      new Promise<null>((r) => setTimeout(() => r(null), 60_000).unref()),
    ]);
    const events = Object.fromEntries(
      readCg(g.path, 'memory.events')
        .split('\n')
        .map((l) => l.split(' '))
        .map(([k, v]) => [k, Number(v)]),
    );
    const reached = out.trim().split('\n').filter(Boolean).map(Number);
    const result = {
      limitMiB,
      memoryMax: readCg(g.path, 'memory.max'),
      limitReadBack: g.getMemoryLimitMiB(),
      peakMiB: existsSync(join(dirOf(g.path), 'memory.peak')) ? round(Number(readCg(g.path, 'memory.peak')) / 2 ** 20, 1) : null,
      hogExit: ended,
      hogReachedMiB: reached.at(-1) ?? 0,
      events,
      engineAlive: process.kill(process.pid, 0),
      engineGroup: ownGroup(),
    };
    await stopAll();
    await g.remove({ kill: true });
    return result;
  });

  // A non-root manager in a subtree delegated to it, as systemd's Delegate=yes leaves one: the group and its
  // cgroup.procs, cgroup.subtree_control and cgroup.threads owned by the user, controllers enabled down to it.
  await step('delegated detection', async () => {
    let path = '';
    for (const name of DELEGATED.split('/').filter(Boolean)) {
      writeCg(path || '/', 'cgroup.subtree_control', '+cpu +cpuset +memory +pids');
      path += `/${name}`;
      mkGroup(path);
    }
    for (const f of ['', 'cgroup.procs', 'cgroup.subtree_control', 'cgroup.threads']) chownSync(join(dirOf(DELEGATED), f), USER.uid, USER.gid);
    const child = await spawnIn(DELEGATED, [process.execPath, process.argv[1]!, 'delegated'], { ...USER, env: { ...process.env, HOME: '/tmp' } });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const code = await new Promise((r) => child.once('exit', r));
    const reports = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    await rmTree('/user.slice');
    return { exitCode: code, delegated: DELEGATED, ...Object.assign({}, ...reports) };
  });

  await step('bpf device filter', () => bpfDeviceFilter(detection, hier));

  emit({ check: 'cleanup', remaining: (await removePartition(hier)) ? [] : readdirSync(dirOf(PARTITION)) });
}

/**
 * The BPF device filter on a pure v2 host, through the backend's GuestGroup: a guest group's ACL allows /dev/null rw
 * and /dev/zero r; a process placed in it before it opens anything may read and write /dev/null, read /dev/zero, and
 * gets EPERM for writing /dev/zero or opening /dev/urandom; a live allow and a live deny take effect at the next open.
 */
async function bpfDeviceFilter(detection: CgroupDetection, hier: CgroupHierarchy): Promise<Record<string, unknown>> {
  const devices = detection.controllers.devices;
  if (!devices.usable) throw new Error(`the device filter is unavailable in the v2 host: ${devices.reason ?? 'no reason given'}`);
  const g = await hier.createGuest('devices');
  // A node child that answers each "<r|w> <path>" line with ok or the errno code of its open.
  const child = await spawnIn(
    (pid) => g.addProcess(pid),
    [
      process.execPath,
      '-e',
      `const fs = require('fs');
       require('readline').createInterface({ input: process.stdin }).on('line', (l) => {
         const [m, p] = l.split(' ');
         try { fs.closeSync(fs.openSync(p, m === 'w' ? 'w' : 'r')); console.log('ok'); } catch (e) { console.log(e.code); }
       });`,
    ],
  );
  const lines: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiting.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  const next = () =>
    new Promise<string>((resolve) => {
      const queued = lines.shift();
      if (queued !== undefined) resolve(queued);
      else waiting.push(resolve);
    });
  const open = (mode: 'r' | 'w', path: string) => {
    child.stdin!.write(`${mode} ${path}\n`);
    return next();
  };
  try {
    g.setAcl([
      { type: 'c', major: 1, minor: 3, access: 'rw' },
      { type: 'c', major: 1, minor: 5, access: 'r' },
    ]);
    const first = {
      nullWrite: await open('w', '/dev/null'),
      zeroRead: await open('r', '/dev/zero'),
      zeroWrite: await open('w', '/dev/zero'),
      urandomRead: await open('r', '/dev/urandom'),
    };
    g.allow({ type: 'c', major: 1, minor: 9, access: 'r' });
    g.deny({ type: 'c', major: 1, minor: 3, access: 'rw' });
    const live = { urandomRead: await open('r', '/dev/urandom'), nullWrite: await open('w', '/dev/null') };
    const ok =
      first.nullWrite === 'ok' &&
      first.zeroRead === 'ok' &&
      first.zeroWrite === 'EPERM' &&
      first.urandomRead === 'EPERM' &&
      live.urandomRead === 'ok' &&
      live.nullWrite === 'EPERM';
    return { ok, first, afterLiveChange: live };
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    await g.remove();
  }
}

/** The engine leaves its leaf for the root group, so the partition can go. */
async function removePartition(h: CgroupHierarchy): Promise<boolean> {
  writeCg('/', 'cgroup.procs', String(process.pid));
  await rmTree(PARTITION);
  return !existsSync(dirOf(h.partition));
}

/** As the unprivileged user, in the delegated subtree (started by the root suite): one JSON line of findings. */
async function delegatedSuite(): Promise<void> {
  const detection = readHostDetection();
  const report: Record<string, unknown> = { uid: process.getuid!(), ownGroup: ownGroup(), detection: summary(detection) };
  // No CGVIRT_CGROUP_PARTITION: the engine finds the subtree delegated to it and makes its partition there.
  try {
    const h = new CgroupHierarchy(detection);
    const g = await h.createGuest('user-guest');
    g.setCpuShares(2048);
    report.inDelegatedSubtree = {
      partition: h.partition,
      ok: true,
      managerMovedTo: ownGroup(),
      guestWeight: Number(readCg(g.path, 'cpu.weight')),
      guestControllers: readCg(g.path, 'cgroup.controllers'),
    };
    await g.remove();
  } catch (e) {
    report.inDelegatedSubtree = { ok: false, error: (e as Error).message };
  }
  // What the window shows for the device filter: it needs a privileged engine.
  report.devices = { usable: detection.controllers.devices.usable, reason: detection.controllers.devices.reason ?? null };
  emit({ check: 'delegated detection', ...report });
}

/**
 * Priority fidelity only, for bench/fidelity-v2.ts: for each ratio R, the floor (two bare busy loops in plain groups at
 * the raw cpu.weight values sharesToWeight gives R×1024 and 1024, both on CPU 0), then the split (the same two loops in
 * two guest groups through the backend: setCpuShares, setCpuset('0')). One line per measurement, with every window's
 * ratio: `fidelity floor R:1` and `fidelity split R:1`.
 */
async function splitsSuite(ratios: number[], windowS: number, windows: number): Promise<void> {
  const detection = readHostDetection();
  mkGroup(PARTITION);
  writeCg(PARTITION, 'cgroup.procs', String(process.pid));
  const hier = new CgroupHierarchy(detection, { partition: PARTITION });
  hier.ensureDriver();
  /** Windows back to back after one settling time: a's share to b's in each. */
  const measure = async (a: string, b: string) => {
    await sleep(500);
    const out: number[] = [];
    let [a0, b0] = [usageUs(a), usageUs(b)];
    for (let w = 0; w < windows; w++) {
      await sleep(windowS * 1000);
      const [a1, b1] = [usageUs(a), usageUs(b)];
      out.push(round((a1 - a0) / (b1 - b0), 4));
      [a0, b0] = [a1, b1];
    }
    return { ratios: out, windowS };
  };
  for (const target of ratios) {
    const [sharesA, sharesB] = [1024 * target, 1024];
    const [wa, wb] = [sharesToWeight(sharesA), sharesToWeight(sharesB)];
    await step(`fidelity floor ${target}:1`, async () => {
      await startFloor(wa, wb);
      const m = await measure(`${FLOOR}/a`, `${FLOOR}/b`);
      await stopAll();
      await rmTree(FLOOR);
      return { target, weights: [wa, wb], ...m };
    });
    await step(`fidelity split ${target}:1`, async () => {
      const a = await hier.createGuest(`fidelity-a-${sharesA}`);
      const b = await hier.createGuest(`fidelity-b-${sharesB}`);
      a.setCpuShares(sharesA);
      b.setCpuShares(sharesB);
      a.setCpuset('0');
      b.setCpuset('0');
      await spawnIn((pid) => a.addProcess(pid), BUSY);
      await spawnIn((pid) => b.addProcess(pid), BUSY);
      const m = await measure(a.path, b.path);
      const out = {
        target,
        shares: [sharesA, sharesB],
        weights: [Number(readCg(a.path, 'cpu.weight')), Number(readCg(b.path, 'cpu.weight'))],
        cpusets: [a.getCpuset(), b.getCpuset()],
        ...m,
      };
      await stopAll();
      await a.remove({ kill: true });
      await b.remove({ kill: true });
      return out;
    });
  }
  emit({ check: 'cleanup', remaining: (await removePartition(hier)) ? [] : readdirSync(dirOf(PARTITION)) });
}

if (process.argv[2] === 'delegated') await delegatedSuite();
else if (process.argv[2] === 'splits') await splitsSuite(process.argv[3]!.split(',').map(Number), Number(process.argv[4]), Number(process.argv[5]));
else await rootSuite();
