import { describe, expect, it } from 'vitest';
import { delegatedRootOf, detectCgroups, parseMountinfo, parseProcCgroup, relativeToMount, type CgroupMount } from './detect';

// Recorded from real hosts (only the cgroup-relevant lines plus a few neighbours to prove they are ignored).
const SAMPLES = {
  // This machine: v1 controllers, each on its own mount (cpu and cpuacct separate), plus an empty cgroup2.
  thisMachine: {
    mountinfo: `22 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw
30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
33 30 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
35 30 0:32 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
36 30 0:33 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
37 30 0:34 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`,
    procCgroup: `9:name=systemd:/
8:pids:/
7:blkio:/
6:freezer:/
5:devices:/
4:memory:/process_api/d4086bac3cda34c9463d230b77f2ef6c
3:cpuset:/
2:cpuacct:/
1:cpu:/
0::/
`,
  },
  // Debian 12 / Fedora desktop: pure cgroup v2 under systemd, a user session.
  pureV2: {
    mountinfo: `24 30 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`,
    procCgroup: '0::/user.slice/user-1000.slice/session-2.scope\n',
  },
  // CentOS 7: pure v1 with cpu and cpuacct co-mounted, systemd's named hierarchy, no cgroup2.
  pureV1: {
    mountinfo: `25 18 0:21 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755
26 25 0:22 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd
28 25 0:24 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,cpuset
29 25 0:25 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,cpu,cpuacct
30 25 0:26 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,memory
31 25 0:27 / /sys/fs/cgroup/devices rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,devices
32 25 0:28 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,net_cls,net_prio
`,
    procCgroup: `11:devices:/user.slice
10:memory:/user.slice
9:cpu,cpuacct:/user.slice
8:cpuset:/
7:net_cls,net_prio:/
1:name=systemd:/user.slice/user-0.slice/session-1.scope
`,
  },
  // A Docker container on a v1 host: every controller mounted read-only, rooted at the container's own group.
  containerReadOnly: {
    mountinfo: `700 690 0:60 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,mode=755
701 700 0:25 /docker/4f2a /sys/fs/cgroup/cpu,cpuacct ro,nosuid,nodev,noexec,relatime master:12 - cgroup cgroup rw,cpu,cpuacct
702 700 0:24 /docker/4f2a /sys/fs/cgroup/cpuset ro,nosuid,nodev,noexec,relatime master:11 - cgroup cgroup rw,cpuset
703 700 0:26 /docker/4f2a /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime master:13 - cgroup cgroup rw,memory
704 700 0:27 /docker/4f2a /sys/fs/cgroup/devices ro,nosuid,nodev,noexec,relatime master:14 - cgroup cgroup rw,devices
`,
    procCgroup: `11:devices:/docker/4f2a
10:memory:/docker/4f2a
9:cpu,cpuacct:/docker/4f2a
8:cpuset:/docker/4f2a
`,
  },
  // A chroot or minimal container with no cgroup filesystem at all.
  none: {
    mountinfo: `100 99 0:50 / / rw,relatime - overlay overlay rw
101 100 0:51 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
`,
    procCgroup: '',
  },
};

const ALL_V2 = ['cpuset', 'cpu', 'io', 'memory', 'hugetlb', 'pids', 'rdma', 'misc'];

describe('parseMountinfo', () => {
  it('keeps only cgroup mounts, with their controllers and read-only flag', () => {
    const m = parseMountinfo(SAMPLES.pureV1.mountinfo);
    expect(m.map((x) => x.mountPoint)).toEqual([
      '/sys/fs/cgroup/systemd',
      '/sys/fs/cgroup/cpuset',
      '/sys/fs/cgroup/cpu,cpuacct',
      '/sys/fs/cgroup/memory',
      '/sys/fs/cgroup/devices',
      '/sys/fs/cgroup/net_cls,net_prio',
    ]);
    expect(m[0]!.controllers).toEqual(['name=systemd']);
    expect(m[2]!.controllers).toEqual(['cpu', 'cpuacct']);
    expect(m.every((x) => !x.readOnly)).toBe(true);
  });
  it('unescapes octal escapes in mount points', () => {
    const m = parseMountinfo('40 30 0:37 / /mnt/my\\040cgroups rw - cgroup2 cgroup2 rw\n');
    expect(m[0]!.mountPoint).toBe('/mnt/my cgroups');
  });
  it('sees a container mount root and its read-only flag', () => {
    const m = parseMountinfo(SAMPLES.containerReadOnly.mountinfo);
    expect(m[0]).toMatchObject({ root: '/docker/4f2a', readOnly: true, controllers: ['cpu', 'cpuacct'] });
  });
});

describe('parseProcCgroup', () => {
  it('maps each v1 controller to its group and reads the v2 line', () => {
    const p = parseProcCgroup(SAMPLES.thisMachine.procCgroup);
    expect(p.v1.get('memory')).toBe('/process_api/d4086bac3cda34c9463d230b77f2ef6c');
    expect(p.v1.get('cpu')).toBe('/');
    expect(p.v1.get('name=systemd')).toBe('/');
    expect(p.v2).toBe('/');
  });
  it('splits co-mounted controllers', () => {
    const p = parseProcCgroup(SAMPLES.pureV1.procCgroup);
    expect(p.v1.get('cpu')).toBe('/user.slice');
    expect(p.v1.get('cpuacct')).toBe('/user.slice');
    expect(p.v2).toBeNull();
  });
});

describe('detectCgroups on recorded hosts', () => {
  it('this machine: hybrid, every controller v1 and usable as root', () => {
    const d = detectCgroups({ ...SAMPLES.thisMachine, uid: 0, v2Controllers: [], v2Delegated: false });
    expect(d.mode).toBe('hybrid');
    expect(d.writable).toBe(true);
    for (const c of ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices'] as const) {
      expect(d.controllers[c]).toMatchObject({ version: 1, usable: true });
    }
    const cpu = d.controllers.cpu;
    expect(cpu.version === 1 && cpu.mount.mountPoint).toBe('/sys/fs/cgroup/cpu');
    const mem = d.controllers.memory;
    expect(mem.version === 1 && mem.ownPath).toBe('/process_api/d4086bac3cda34c9463d230b77f2ef6c');
    expect(d.v2?.mount.mountPoint).toBe('/sys/fs/cgroup/unified');
  });

  it('pure v2 as root: controllers in v2, devices unsupported with the reason', () => {
    const d = detectCgroups({ ...SAMPLES.pureV2, uid: 0, v2Controllers: ALL_V2, v2Delegated: false });
    expect(d.mode).toBe('v2');
    expect(d.controllers.cpu).toMatchObject({ version: 2, usable: true, ownPath: '/user.slice/user-1000.slice/session-2.scope' });
    expect(d.controllers.cpuacct).toMatchObject({ version: 2, usable: true });
    expect(d.controllers.devices.usable).toBe(false);
    expect(d.controllers.devices.reason).toMatch(/BPF/);
  });

  it('pure v2 with the device filter probed: devices on v2 when it loads, its reason when it does not', () => {
    const works = detectCgroups({ ...SAMPLES.pureV2, uid: 0, v2Controllers: ALL_V2, v2Delegated: false, v2DeviceFilter: null });
    expect(works.controllers.devices).toMatchObject({ version: 2, usable: true });
    expect(works.controllers.devices.reason).toBeUndefined();
    const refused = detectCgroups({
      ...SAMPLES.pureV2,
      uid: 0,
      v2Controllers: ALL_V2,
      v2Delegated: false,
      v2DeviceFilter: 'this kernel has no cgroup BPF (CONFIG_CGROUP_BPF)',
    });
    expect(refused.controllers.devices).toMatchObject({ version: 2, usable: false, reason: 'this kernel has no cgroup BPF (CONFIG_CGROUP_BPF)' });
    // A delegated user's subtree is writable, but bpf(2) still needs privilege: the probe's reason stands.
    const user = detectCgroups({
      ...SAMPLES.pureV2,
      uid: 1000,
      v2Controllers: ALL_V2,
      v2Delegated: true,
      v2DeviceFilter: 'the device filter needs a privileged engine (CAP_BPF/root)',
    });
    expect(user.controllers.devices).toMatchObject({ usable: false, reason: 'the device filter needs a privileged engine (CAP_BPF/root)' });
  });

  it('hybrid: devices stay on the v1 controller whatever the probe says', () => {
    const d = detectCgroups({ ...SAMPLES.thisMachine, uid: 0, v2Controllers: [], v2Delegated: false, v2DeviceFilter: null });
    expect(d.controllers.devices).toMatchObject({ version: 1, usable: true });
  });

  it('pure v2 as a user: writable only with a delegated subtree', () => {
    const plain = detectCgroups({ ...SAMPLES.pureV2, uid: 1000, v2Controllers: ['memory', 'pids'], v2Delegated: false });
    expect(plain.writable).toBe(false);
    expect(plain.controllers.memory.reason).toMatch(/delegated/);
    expect(plain.controllers.cpu).toMatchObject({ version: null, usable: false });
    const delegated = detectCgroups({ ...SAMPLES.pureV2, uid: 1000, v2Controllers: ['cpu', 'memory', 'pids'], v2Delegated: true });
    expect(delegated.writable).toBe(true);
    expect(delegated.controllers.cpu.usable).toBe(true);
    expect(delegated.controllers.cpuset.usable).toBe(false);
  });

  it('pure v1 with co-mounted cpu,cpuacct', () => {
    const d = detectCgroups({ ...SAMPLES.pureV1, uid: 0, v2Controllers: [], v2Delegated: false });
    expect(d.mode).toBe('v1');
    const cpu = d.controllers.cpu;
    const acct = d.controllers.cpuacct;
    expect(cpu.version === 1 && acct.version === 1 && cpu.mount === acct.mount).toBe(true);
    expect(d.v2).toBeUndefined();
  });

  it('pure v1 without root: nothing writable, and the reason says root', () => {
    const d = detectCgroups({ ...SAMPLES.pureV1, uid: 1000, v2Controllers: [], v2Delegated: false });
    expect(d.writable).toBe(false);
    expect(d.controllers.cpu.reason).toMatch(/needs root/);
  });

  it('a container with read-only cgroups: v1, nothing usable, the reason says read-only', () => {
    const d = detectCgroups({ ...SAMPLES.containerReadOnly, uid: 0, v2Controllers: [], v2Delegated: false });
    expect(d.mode).toBe('v1');
    expect(d.writable).toBe(false);
    expect(d.controllers.memory.reason).toMatch(/read-only/);
  });

  it('no cgroups at all: mode none and every controller explains', () => {
    const d = detectCgroups({ ...SAMPLES.none, uid: 0, v2Controllers: [], v2Delegated: false });
    expect(d.mode).toBe('none');
    expect(d.writable).toBe(false);
    expect(d.controllers.cpu.reason).toMatch(/no cgroup filesystem/);
  });
});

describe('relativeToMount', () => {
  it('strips a container mount root, keeps a namespaced path', () => {
    const [m] = parseMountinfo(SAMPLES.containerReadOnly.mountinfo);
    expect(relativeToMount(m!, '/docker/4f2a/cgvirt/qemu/a')).toBe('/cgvirt/qemu/a');
    expect(relativeToMount(m!, '/cgvirt/qemu/a')).toBe('/cgvirt/qemu/a');
  });
});

describe('delegatedRootOf', () => {
  const mount: CgroupMount = { mountPoint: '/sys/fs/cgroup', root: '/', fstype: 'cgroup2', controllers: [], readOnly: false };
  it('climbs from our own group to the highest one we may write: the delegated subtree', () => {
    const writable = (dir: string) => dir.startsWith('/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service');
    expect(delegatedRootOf(mount, '/user.slice/user-1000.slice/user@1000.service/app.slice/cgvirt.scope', writable)).toBe(
      '/user.slice/user-1000.slice/user@1000.service',
    );
    expect(delegatedRootOf(mount, '/user.slice/user-1000.slice/user@1000.service', writable)).toBe('/user.slice/user-1000.slice/user@1000.service');
  });
});
