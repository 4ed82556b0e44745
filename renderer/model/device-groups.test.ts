import { describe, expect, it } from 'vitest';
import type { AclEntry, HostDevice } from '../../shared';
import { PTY_LABEL, aclChanges, draftChanges, groupDevices, matchesQuery, type GroupInput } from './device-groups';

const dev = (path: string, type: 'c' | 'b', major: number, minor: number, description: string, usedBy: string[] = []): HostDevice => ({
  path,
  type,
  major,
  minor,
  description,
  usedBy,
});

const host: HostDevice[] = [
  dev('/dev/null', 'c', 1, 3, 'null device', ['web', 'db']),
  dev('/dev/zero', 'c', 1, 5, 'zero source'),
  dev('/dev/full', 'c', 1, 7, 'always full'),
  dev('/dev/random', 'c', 1, 8, 'random'),
  dev('/dev/urandom', 'c', 1, 9, 'random, non-blocking'),
  dev('/dev/ptmx', 'c', 5, 2, 'pty multiplexer'),
  dev('/dev/sdb', 'b', 8, 16, 'SCSI disk', ['web']),
  dev('/dev/sda10', 'b', 8, 10, 'SCSI disk partition'),
  dev('/dev/sda2', 'b', 8, 2, 'SCSI disk partition'),
  dev('/dev/net/tun', 'c', 10, 200, 'TUN/TAP network', ['db']),
];

const acl: AclEntry[] = [
  { path: '/dev/null', type: 'c', major: 1, minor: 3, access: 'rw', source: 'default', live: true, config: true },
  { path: '/dev/kvm', type: 'c', major: 10, minor: 232, access: 'rw', source: 'default', live: false, config: true, note: 'node missing on this host' },
  { type: 'c', major: 136, minor: '*', access: 'rw', source: 'default', live: true, config: true },
  { path: '/dev/sdb', type: 'b', major: 8, minor: 16, access: 'rw', source: 'disk', live: true, config: true },
];

const input = (over: Partial<GroupInput> = {}): GroupInput => ({
  guest: 'web',
  definition: {
    disks: [
      { path: '/dev/sdb', format: 'raw', readonly: false, bus: 'virtio' },
      { path: '/var/lib/cgvirt/images/web.qcow2', format: 'qcow2', readonly: false, bus: 'virtio' },
    ],
    devices: { extra: ['/dev/net/tun'], omitDefaults: ['/dev/urandom'] },
  },
  acl,
  host,
  draft: { extra: ['/dev/net/tun'], omitDefaults: ['/dev/urandom'] },
  ...over,
});

describe('device grouping', () => {
  it('lists the defaults, checked unless omitted, plus the locked PTY entry', () => {
    const { defaults } = groupDevices(input());
    expect(defaults.map((d) => d.path)).toEqual([
      '/dev/null',
      '/dev/full',
      '/dev/zero',
      '/dev/random',
      '/dev/urandom',
      '/dev/ptmx',
      '/dev/kvm',
      PTY_LABEL,
    ]);
    const byPath = Object.fromEntries(defaults.map((d) => [d.path, d]));
    expect(byPath['/dev/urandom']!.checked).toBe(false);
    expect(byPath['/dev/null']!.checked).toBe(true);
    expect(byPath['/dev/null']!.locked).toBe(false);
    expect(byPath[PTY_LABEL]).toMatchObject({ locked: true, checked: true, major: 136, minor: '*' });
  });

  it('says when a default node is missing on the host, in the engine’s words when it gave some', () => {
    const kvm = groupDevices(input()).defaults.find((d) => d.path === '/dev/kvm')!;
    expect(kvm.present).toBe(false);
    expect(kvm.note).toBe('node missing on this host');
    const withoutNote = groupDevices(input({ acl: [] })).defaults.find((d) => d.path === '/dev/kvm')!;
    expect(withoutNote.note).toBe('not present on this host');
  });

  it('puts block-device disks in their own group, checked and locked with the reason; image files need no entry', () => {
    const { disks, other } = groupDevices(input());
    expect(disks).toHaveLength(1);
    expect(disks[0]).toMatchObject({ path: '/dev/sdb', checked: true, locked: true, type: 'b', major: 8, minor: 16 });
    expect(disks[0]!.lockReason).toMatch(/detach/);
    expect(other.map((d) => d.path)).not.toContain('/dev/sdb');
  });

  it('shows /dev/net/tun with the defaults, locked, while a NIC is bridged; in the other nodes otherwise', () => {
    const tun: AclEntry = {
      path: '/dev/net/tun',
      type: 'c',
      major: 10,
      minor: 200,
      access: 'rw',
      source: 'network',
      live: true,
      config: true,
      note: 'for the bridged network cards: QEMU attaches their taps through it',
    };
    const nics = [{ model: 'virtio-net-pci' as const, bridge: 'br0', forwards: [] }];
    const bridged = groupDevices(input({ definition: { ...input().definition, nics }, acl: [...acl, tun] }));
    expect(bridged.defaults.find((d) => d.path === '/dev/net/tun')).toMatchObject({
      checked: true,
      locked: true,
      major: 10,
      minor: 200,
      note: 'for the bridged network cards: QEMU attaches their taps through it',
      lockReason: expect.stringMatching(/host bridge/),
    });
    expect(bridged.other.map((d) => d.path)).not.toContain('/dev/net/tun');
    const nat = groupDevices(input({ definition: { ...input().definition, nics: [{ ...nics[0]!, bridge: undefined }] } }));
    expect(nat.defaults.map((d) => d.path)).not.toContain('/dev/net/tun');
    expect(nat.other.map((d) => d.path)).toContain('/dev/net/tun');
  });

  it('recognises a block-device disk from the host list before the ACL is loaded', () => {
    expect(groupDevices(input({ acl: null })).disks.map((d) => d.path)).toEqual(['/dev/sdb']);
  });

  it('lists every other host node in natural order, checked when chosen, with who else uses it', () => {
    const { other } = groupDevices(input());
    expect(other.map((d) => d.path)).toEqual(['/dev/net/tun', '/dev/sda2', '/dev/sda10']);
    const tun = other[0]!;
    expect(tun).toMatchObject({ checked: true, locked: false, type: 'c', major: 10, minor: 200, description: 'TUN/TAP network' });
    expect(tun.usedBy).toEqual(['db']);
  });

  it('hides the guest itself from "used by"', () => {
    const nul = groupDevices(input()).defaults.find((d) => d.path === '/dev/null')!;
    expect(nul.usedBy).toEqual(['db']);
  });

  it('keeps a chosen node that the host no longer has, marked absent', () => {
    const { other } = groupDevices(input({ draft: { extra: ['/dev/gone'], omitDefaults: [] } }));
    const gone = other.find((d) => d.path === '/dev/gone')!;
    expect(gone).toMatchObject({ checked: true, present: false, note: 'not present on this host' });
  });

  it('searches path, description, type and major:minor', () => {
    const { other } = groupDevices(input());
    const find = (q: string) => other.filter((d) => matchesQuery(d, q)).map((d) => d.path);
    expect(find('tun')).toEqual(['/dev/net/tun']);
    expect(find('partition')).toEqual(['/dev/sda2', '/dev/sda10']);
    expect(find('8:10')).toEqual(['/dev/sda10']);
    expect(find('block SCSI 8:2')).toEqual(['/dev/sda2']);
    expect(find('')).toHaveLength(3);
  });

  it('says what a draft would allow and deny', () => {
    const saved = { extra: ['/dev/net/tun'], omitDefaults: ['/dev/urandom'] };
    expect(draftChanges(saved, saved)).toEqual({ allow: [], deny: [] });
    expect(draftChanges(saved, { extra: ['/dev/sda2'], omitDefaults: ['/dev/zero'] })).toEqual({
      allow: ['/dev/sda2', '/dev/urandom'],
      deny: ['/dev/net/tun', '/dev/zero'],
    });
  });

  it('reports what an apply changed and whether it reached the running guest', () => {
    const before: AclEntry[] = [
      { path: '/dev/urandom', type: 'c', major: 1, minor: 9, access: 'rw', source: 'default', live: true, config: true },
      { path: '/dev/null', type: 'c', major: 1, minor: 3, access: 'rw', source: 'default', live: true, config: true },
    ];
    const after: AclEntry[] = [
      { path: '/dev/null', type: 'c', major: 1, minor: 3, access: 'rw', source: 'default', live: true, config: true },
      { path: '/dev/net/tun', type: 'c', major: 10, minor: 200, access: 'rw', source: 'extra', live: true, config: true },
    ];
    expect(aclChanges(before, after)).toEqual([
      { label: '/dev/net/tun', change: 'allowed', live: true },
      { label: '/dev/urandom', change: 'denied', live: true },
    ]);
    // A shut-off guest: the changes wait for its next start.
    const off = (l: AclEntry[]) => l.map((e) => ({ ...e, live: false }));
    expect(aclChanges(off(before), off(after)).every((c) => !c.live)).toBe(true);
  });
});
