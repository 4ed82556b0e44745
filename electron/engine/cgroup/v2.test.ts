// cgroup v2 on a FAKE cgroup2 tree (testing/fake-cgroup2.ts): this host's cgroup2 mount offers no controllers, so the
// v2 rules are exercised on a temporary tree that enforces them the way the kernel documents.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeCgroup2 } from '../../../testing/fake-cgroup2';
import { detectCgroups } from './detect';
import { CgroupHierarchy } from './hierarchy';
import { V2Backend } from './v2';
import { tunableFeatures } from '../vms/tunables';

let fake: FakeCgroup2;
beforeEach(() => {
  fake = new FakeCgroup2();
});
afterEach(() => fake.dispose());

const SELF = 4242;
const backend = (controllers = ['cpu', 'cpuacct', 'cpuset', 'memory'] as const) =>
  new V2Backend(fake, fake.root, controllers, { selfPid: SELF, selfLeaf: '/cgvirt/engine' });
const file = (group: string, name: string) => readFileSync(join(fake.root, group, name), 'utf8').trim();

function v2Hierarchy(partition = '/cgvirt') {
  const detection = detectCgroups({
    mountinfo: `35 24 0:30 / ${fake.root} rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n`,
    procCgroup: '0::/\n',
    uid: 0,
    v2Controllers: ['cpuset', 'cpu', 'io', 'memory', 'pids'],
    v2Delegated: false,
  });
  return new CgroupHierarchy(detection, { partition, fs: fake, selfPid: SELF });
}

describe('cgroup v2 backend (FAKE cgroup2 tree)', () => {
  it('enables controllers through cgroup.subtree_control down the path', () => {
    backend().ensure('/cgvirt/qemu/web');
    expect(file('', 'cgroup.subtree_control').split(' ').sort()).toEqual(['cpu', 'cpuset', 'memory']);
    expect(file('cgvirt', 'cgroup.subtree_control').split(' ').sort()).toEqual(['cpu', 'cpuset', 'memory']);
    expect(file('cgvirt/qemu', 'cgroup.subtree_control').split(' ').sort()).toEqual(['cpu', 'cpuset', 'memory']);
    // the guest's own group hands nothing down: it will hold QEMU
    expect(file('cgvirt/qemu/web', 'cgroup.subtree_control')).toBe('');
    expect(file('cgvirt/qemu/web', 'cpu.weight')).toBe('100');
  });

  it('refuses to enable below a group holding somebody else’s processes (no-internal-process rule)', () => {
    fake.mkdir(join(fake.root, 'cgvirt'));
    fake.place('/cgvirt', 999);
    expect(() => backend().ensure('/cgvirt/qemu/web')).toThrow(/holds processes \(999\).*only a group without processes/);
  });

  it('moves the manager itself into a leaf of its partition when it is what stands in the way', () => {
    fake.mkdir(join(fake.root, 'cgvirt'));
    fake.place('/cgvirt', SELF);
    backend().ensure('/cgvirt/qemu/web');
    expect(file('cgvirt/engine', 'cgroup.procs')).toBe(String(SELF));
    expect(file('cgvirt', 'cgroup.procs')).toBe('');
    expect(file('cgvirt/qemu/web', 'cpu.weight')).toBe('100');
  });

  it('says which controller the parent does not offer', () => {
    const narrow = new FakeCgroup2(['memory']);
    try {
      const b = new V2Backend(narrow, narrow.root, ['cpu', 'memory'], { selfPid: SELF, selfLeaf: '/cgvirt/engine' });
      expect(() => b.ensure('/cgvirt/qemu/web')).toThrow(/the cpu controller is not offered to cgroup \//);
    } finally {
      narrow.dispose();
    }
  });

  it('stores cpu_shares as cpu.weight and returns exactly what was set', () => {
    const h = v2Hierarchy();
    h.ensureDriver();
    const g = h.guest('web');
    h.backend('cpu').ensure(g.path);
    g.setCpuShares(2048);
    expect(file('cgvirt/qemu/web', 'cpu.weight')).toBe('200');
    expect(g.getCpuShares(2048)).toBe(2048);
    g.setCpuShares(1500); // 146.48… → weight 146; the inverse alone would say 1495
    expect(file('cgvirt/qemu/web', 'cpu.weight')).toBe('146');
    expect(g.getCpuShares(1500)).toBe(1500);
    expect(g.getCpuShares()).toBe(1495);
  });

  it('writes cpu.max, memory.max and cpuset.cpus, and reads them back', async () => {
    const h = v2Hierarchy();
    const g = await h.createGuest('web');
    g.setCpuQuota(50000, 100000);
    expect(file('cgvirt/qemu/web', 'cpu.max')).toBe('50000 100000');
    expect(g.getCpuQuota()).toEqual({ quotaUs: 50000, periodUs: 100000 });
    g.setCpuQuota(null, 200000);
    expect(g.getCpuQuota()).toEqual({ quotaUs: null, periodUs: 200000 });
    g.setMemoryLimitMiB(256);
    expect(file('cgvirt/qemu/web', 'memory.max')).toBe(String(256 * 1024 * 1024));
    expect(g.getMemoryLimitMiB()).toBe(256);
    g.setMemoryLimitMiB(null);
    expect(file('cgvirt/qemu/web', 'memory.max')).toBe('max');
    expect(g.setCpuset('1-2')).toBe('1-2');
    expect(g.getCpuset()).toBe('1-2');
    expect(() => g.setCpuset('7')).toThrow(/names CPU 7, but this host offers CPUs 0-3/);
  });

  it('writes a control file by its name in this version, and refuses one the version lacks', async () => {
    const h = v2Hierarchy();
    const g = await h.createGuest('web');
    g.writeControl('memory', { 1: 'memory.limit_in_bytes', 2: 'memory.max' }, String(64 * 1024 * 1024), 'the memory limit');
    expect(file('cgvirt/qemu/web', 'memory.max')).toBe(String(64 * 1024 * 1024));
    expect(g.readControl('memory', { 2: 'memory.max' })).toBe(String(64 * 1024 * 1024));
    expect(() => g.writeControl('memory', { 1: 'memory.soft_limit_in_bytes' }, '1', 'x')).toThrow(/cgroup v2 has no such memory control/);
  });

  it('reports the device ACL as UNSUPPORTED with the reason, never pretends', async () => {
    const h = v2Hierarchy();
    const g = await h.createGuest('web');
    expect(() => g.setAcl([])).toThrow(/devices cgroup controller is unavailable: cgroup v2 has no devices files.*BPF program/);
    expect(tunableFeatures(h).deviceAcl).toEqual({ available: false, reason: expect.stringMatching(/BPF/) });
    expect(tunableFeatures(h).cpuPriority).toEqual({ available: true });
  });

  it('reads usage_usec and memory.current as stats', async () => {
    const h = v2Hierarchy();
    const g = await h.createGuest('web');
    expect(g.stats()).toEqual({ cpuUs: 0, memoryBytes: 0 });
  });

  it('refuses to remove a group with processes unless asked to kill, and removes it cleanly otherwise', async () => {
    const h = v2Hierarchy();
    const g = await h.createGuest('web');
    fake.place(g.path, 2 ** 22 + 1); // a pid that cannot exist: the fake kernel does not check
    await expect(g.remove()).rejects.toThrow(/still holds process 4194305: stop the guest first/);
    fake.place('/', 2 ** 22 + 1);
    await g.remove();
    expect(g.exists()).toBe(false);
    expect(h.guestGroups()).toEqual([]);
  });
});
