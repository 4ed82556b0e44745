// Device enumeration on this host's real /dev, plus the parsing and naming rules on fixed inputs.
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deviceTypeOf, splitDev } from './devnum';
import { describeNode, driverName, enumerateHostDevices, formatBytes, parseProcDevices, wellKnown } from './devices';

const PROC_DEVICES = `Character devices:
  1 mem
  4 /dev/vc/0
  4 tty
  4 ttyS
  5 /dev/tty
 10 misc

Block devices:
  7 loop
254 virtblk
`;

describe('parsing and naming', () => {
  it('reads /proc/devices per type, keeping every name of a major', () => {
    const t = parseProcDevices(PROC_DEVICES);
    expect(t.c.get(1)).toEqual(['mem']);
    expect(t.c.get(4)).toEqual(['/dev/vc/0', 'tty', 'ttyS']);
    expect(t.b.get(7)).toEqual(['loop']);
    expect(t.c.get(7)).toBeUndefined();
    expect(driverName(t, 'c', 10)).toBe('misc');
    expect(driverName(t, 'c', 4)).toBeNull(); // tty or ttyS: the major alone does not tell
    expect(driverName(t, 'c', 5)).toBeNull(); // only paths
  });

  it('knows common nodes by name and falls back to driver and numbers', () => {
    expect(wellKnown('kvm', 'c')).toBe('KVM hardware virtualization');
    expect(wellKnown('loop12', 'b')).toBe('loop device 12');
    expect(wellKnown('nvme0n1p2', 'b')).toBe('NVMe disk 0 namespace 1 partition 2');
    expect(wellKnown('sdb3', 'b')).toBe('SCSI/SATA disk b partition 3');
    expect(wellKnown('dri/renderD128', 'c')).toBe('GPU render node 128');
    expect(wellKnown('whatever', 'c')).toBeNull();
    expect(describeNode('whatever', 'c', 10, 99, 'misc', null)).toBe('misc device 10:99');
    expect(describeNode('whatever', 'c', 300, 1, null, null)).toBe('unknown device 300:1');
    expect(describeNode('loop0', 'b', 7, 0, 'loop', 0)).toBe('loop device 0, empty (loop)');
    expect(describeNode('vda', 'b', 254, 0, 'virtblk', 256 * 2 ** 30)).toBe('virtio disk a, 256 GiB (virtblk)');
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(64 * 2 ** 20)).toBe('64 MiB');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.5 GiB');
    expect(formatBytes(3 * 2 ** 40)).toBe('3 TiB');
  });
});

describe('enumerateHostDevices on this host', () => {
  it('lists char and block nodes with their real major:minor, sorted, described', async () => {
    const nodes = await enumerateHostDevices();
    expect(nodes.length).toBeGreaterThan(5);
    expect(nodes.map((n) => n.path)).toEqual([...nodes.map((n) => n.path)].sort());
    for (const n of nodes) {
      const st = lstatSync(n.path);
      expect(deviceTypeOf(st)).toBe(n.type);
      expect(splitDev(st.rdev)).toEqual({ major: n.major, minor: n.minor });
      expect(n.description.length).toBeGreaterThan(0);
    }
    expect(nodes.find((n) => n.path === '/dev/null')).toEqual({
      path: '/dev/null',
      type: 'c',
      major: 1,
      minor: 3,
      description: 'null device, discards writes (mem)',
    });
  });

  it('recurses into subdirectories but skips symlinks, /dev/pts, /dev/shm, /dev/mqueue and /dev/hugepages', async () => {
    const paths = (await enumerateHostDevices()).map((n) => n.path);
    if (existsSync('/dev/net/tun')) expect(paths).toContain('/dev/net/tun');
    for (const p of paths) expect(p).not.toMatch(/^\/dev\/(pts|shm|mqueue|hugepages)\//);
    for (const p of paths) expect(lstatSync(p).isSymbolicLink()).toBe(false);
    // /dev/stdin and friends are symlinks on every Linux; /dev/pts/ptmx is a node that must not be listed.
    expect(paths).not.toContain('/dev/stdin');
    if (existsSync('/dev/pts/ptmx')) expect(paths).not.toContain('/dev/pts/ptmx');
    // Every char/block node directly in /dev is listed.
    const top = readdirSync('/dev', { withFileTypes: true }).filter((e) => e.isCharacterDevice() || e.isBlockDevice());
    for (const e of top) expect(paths).toContain(`/dev/${e.name}`);
  });

  it('gives block devices their size from sysfs', async () => {
    const blocks = (await enumerateHostDevices()).filter((n) => n.type === 'b');
    for (const b of blocks) {
      const sys = `/sys/dev/block/${b.major}:${b.minor}/size`;
      if (!existsSync(sys)) continue;
      const bytes = Number(readFileSync(sys, 'utf8')) * 512;
      expect(b.description).toContain(bytes === 0 ? ', empty' : `, ${formatBytes(bytes)}`);
    }
  });

  it('an unreadable root is no devices, not a crash', async () => {
    expect(await enumerateHostDevices({ devRoot: '/nonexistent-dev' })).toEqual([]);
  });
});
