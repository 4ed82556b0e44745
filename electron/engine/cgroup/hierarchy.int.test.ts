// The cgroup layer on this host's real cgroup v1 hierarchy, in a unique partition that is removed afterwards even when
// a test fails. Real child processes are placed in guest groups and try to open real device nodes.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnHost } from '../../../testing/describe-on-host';
import { newTestPartition, partitionLeftovers, removeTestPartition, sweepDeadTestPartitions } from '../../../testing/partition';
import { defaultRules, formatRule, PTY_RULE, ruleForPath } from './acl';
import { readHostDetection } from './detect';
import { CgroupHierarchy } from './hierarchy';

const partition = newTestPartition();
const children: ChildProcess[] = [];

/** A child that opens each path it reads on stdin and answers `<path> ok|<errno>`: run it inside a group, then ask. */
function opener() {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require('readline').createInterface({input: process.stdin}).on('line', (p) => {
      try { require('fs').closeSync(require('fs').openSync(p, 'r')); console.log(p + ' ok'); }
      catch (e) { console.log(p + ' ' + e.code); } });`,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  children.push(child);
  const lines = createInterface({ input: child.stdout });
  const waiting: ((l: string) => void)[] = [];
  lines.on('line', (l) => waiting.shift()?.(l));
  return {
    pid: child.pid!,
    open: (path: string) =>
      new Promise<string>((resolve) => {
        waiting.push((l) => resolve(l.slice(path.length + 1)));
        child.stdin.write(`${path}\n`);
      }),
  };
}

function sleeper() {
  const child = spawn('sleep', ['300'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

const mount = (controller: string) => `/sys/fs/cgroup/${controller}`;
const read = (controller: string, group: string, file: string) => readFileSync(join(mount(controller), group, file), 'utf8').trim();

describeOnHost(['root', 'cgroupV1'], 'cgroup hierarchy on the real v1 hierarchy', () => {
  let h: CgroupHierarchy;

  beforeAll(async () => {
    await sweepDeadTestPartitions();
    h = new CgroupHierarchy(readHostDetection(), { partition });
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await removeTestPartition(partition);
    expect(partitionLeftovers(partition)).toEqual([]);
  });

  it('creates partition → driver → guest in every controller, with cpuset copied from the parent', async () => {
    const g = await h.createGuest('web');
    for (const c of ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices']) {
      expect(existsSync(join(mount(c), partition, 'qemu', 'web'))).toBe(true);
    }
    expect(read('cpuset', g.path, 'cpuset.cpus')).toBe(read('cpuset', '', 'cpuset.cpus'));
    expect(read('cpuset', g.path, 'cpuset.mems')).toBe(read('cpuset', '', 'cpuset.mems'));
    expect(g.paths()).toMatchObject({ cpu: `${partition}/qemu/web`, memory: `${partition}/qemu/web` });
  });

  it('places a real process: it shows up in /proc/<pid>/cgroup and is found again from its pid', async () => {
    const g = await h.createGuest('placed');
    const child = sleeper();
    g.addProcess(child.pid!);
    const proc = readFileSync(`/proc/${child.pid}/cgroup`, 'utf8');
    for (const c of ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices']) {
      expect(proc).toMatch(new RegExp(`^\\d+:${c}:${partition}/qemu/placed$`, 'm'));
    }
    expect(g.misplacedControllers(child.pid!)).toEqual([]);
    expect(h.guestOfPid(child.pid!)).toBe('placed');
    expect(h.guestOfPid(process.pid)).toBeNull();
    expect(g.pids()).toEqual([child.pid]);
  });

  it('sets cpu_shares and reads it back from cpu.shares, refusing out-of-range values in libvirt’s words', async () => {
    const g = await h.createGuest('prio');
    g.setCpuShares(2048);
    expect(read('cpu', g.path, 'cpu.shares')).toBe('2048');
    expect(g.getCpuShares()).toBe(2048);
    expect(() => g.setCpuShares(300000)).toThrow("shares '300000' must be in range [2, 262144]");
    expect(() => g.setCpuShares(1)).toThrow("shares '1' must be in range [2, 262144]");
    expect(read('cpu', g.path, 'cpu.shares')).toBe('2048');
  });

  it('caps CPU with cfs quota/period and lifts the cap', async () => {
    const g = await h.createGuest('capped');
    g.setCpuQuota(50000, 100000);
    expect(read('cpu', g.path, 'cpu.cfs_period_us')).toBe('100000');
    expect(read('cpu', g.path, 'cpu.cfs_quota_us')).toBe('50000');
    g.setCpuQuota(null);
    expect(g.getCpuQuota()).toEqual({ quotaUs: null, periodUs: 100000 });
    expect(() => g.setCpuQuota(10, 100000)).toThrow("quota '10' must be an integer in range [1000, 17592186044415]");
    expect(() => g.setCpuQuota(5000, 10)).toThrow("period '10' must be an integer in range [1000, 1000000]");
  });

  it('pins to host CPUs only', async () => {
    const g = await h.createGuest('pinned');
    expect(g.setCpuset('0')).toBe('0');
    expect(read('cpuset', g.path, 'cpuset.cpus')).toBe('0');
    expect(() => g.setCpuset('0-63')).toThrow(/names CPU .* but this host offers CPUs/);
  });

  it('sets and lifts a memory limit', async () => {
    const g = await h.createGuest('mem');
    g.setMemoryLimitMiB(300);
    expect(read('memory', g.path, 'memory.limit_in_bytes')).toBe(String(300 * 1024 * 1024));
    expect(g.getMemoryLimitMiB()).toBe(300);
    g.setMemoryLimitMiB(null);
    expect(g.getMemoryLimitMiB()).toBeNull();
  });

  it('writes a control file by its v1 name (the path of a tunable without rules of its own)', async () => {
    const g = await h.createGuest('ctl');
    const soft = { 1: 'memory.soft_limit_in_bytes', 2: 'memory.high' };
    g.writeControl('memory', soft, String(128 * 1024 * 1024), 'the memory soft limit');
    expect(read('memory', g.path, 'memory.soft_limit_in_bytes')).toBe(String(128 * 1024 * 1024));
    expect(g.readControl('memory', soft)).toBe(String(128 * 1024 * 1024));
    expect(() => g.writeControl('memory', soft, 'lots', 'the memory soft limit')).toThrow(/the memory soft limit/);
  });

  it('device ACL: /dev/null opens, a node not allowed gets EPERM, and a live denial bites at the next open', async () => {
    const g = await h.createGuest('acl');
    g.setAcl([...defaultRules().map((r) => r.rule), PTY_RULE]);
    const list = g.acl().map(formatRule);
    expect(list).toContain('c 1:3 rw');
    expect(list).toContain('c 1:9 rw');
    expect(list).toContain('c 136:* rw');
    expect(list.some((l) => l.startsWith('a '))).toBe(false);
    expect(list.every((l) => !l.endsWith('m'))).toBe(true);

    const o = opener();
    await o.open('/dev/null'); // the child is ready before it is moved
    g.addProcess(o.pid);
    expect(await o.open('/dev/null')).toBe('ok');
    expect(await o.open('/dev/urandom')).toBe('ok');
    expect(await o.open('/dev/tty')).toBe('EPERM');
    if (existsSync('/dev/loop0')) expect(await o.open('/dev/loop0')).toBe('EPERM');

    g.deny(ruleForPath('/dev/urandom'));
    expect(await o.open('/dev/urandom')).toBe('EPERM');
    expect(g.acl().map(formatRule)).not.toContain('c 1:9 rw');
    expect(read('devices', g.path, 'devices.list')).not.toContain('c 1:9');

    g.allowPath('/dev/urandom', 'r');
    expect(await o.open('/dev/urandom')).toBe('ok');
  });

  it('allows a whole major, and refuses a path that is not a device', async () => {
    const g = await h.createGuest('major');
    g.setAcl([]);
    g.allowMajor('b', 7, 'r');
    expect(g.acl().map(formatRule)).toEqual(['b 7:* r']);
    expect(() => g.allowPath('/etc/hostname')).toThrow(/not a character or block device \(EINVAL\)/);
  });

  it('reads CPU time and memory for a busy process', async () => {
    const g = await h.createGuest('busy');
    // Joins before exec, as QEMU does, so the new image's pages are charged to the group (v1 does not move charges).
    const join = 'for f; do echo $$ > "$f"; done; exec sh -c "while :; do :; done"';
    const spin = spawn('sh', ['-c', join, 'sh', ...g.procsFiles()], { stdio: 'ignore' });
    children.push(spin);
    await new Promise((r) => setTimeout(r, 300));
    const s = g.stats();
    expect(s.cpuUs).toBeGreaterThan(0);
    expect(s.memoryBytes).toBeGreaterThan(0);
    spin.kill('SIGKILL');
  });

  it('refuses to remove a group that holds processes, kills them when asked, and leaves no directory', async () => {
    const g = await h.createGuest('doomed');
    const child = sleeper();
    g.addProcess(child.pid!);
    await expect(g.remove()).rejects.toThrow(new RegExp(`still holds process ${child.pid}: stop the guest first`));
    const exited = new Promise((r) => child.once('exit', (_c, sig) => r(sig)));
    await g.remove({ kill: true, graceMs: 500 });
    expect(await exited).toBe('SIGTERM');
    for (const c of ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices']) {
      expect(existsSync(join(mount(c), g.path))).toBe(false);
    }
  });

  it('creating a guest removes a stale empty group of the same name, but not one with processes', async () => {
    const stale = await h.createGuest('stale');
    stale.setCpuShares(4096);
    const again = await h.createGuest('stale');
    expect(again.getCpuShares()).toBe(1024);
    const child = sleeper();
    again.addProcess(child.pid!);
    await expect(h.createGuest('stale')).rejects.toThrow(/still holds process/);
    expect(h.guestGroups()).toContain('stale');
  });

  it('escapes names that collide with control files, inside the driver group', async () => {
    const g = await h.createGuest('cpu.shares');
    expect(g.path).toBe(`${partition}/qemu/_cpu.shares`);
    expect(existsSync(join(mount('cpu'), partition, 'qemu', '_cpu.shares', 'cpu.shares'))).toBe(true);
    expect(h.guestGroups()).toContain('cpu.shares');
  });
});
