import { describe, expect, it } from 'vitest';
import { definitionSchema, isCgvirtError, type DefinitionInput } from '../../../shared';
import { buildArgv, qemuOptValue, type ArgvInput } from './argv';
import { blockdevArgs, deviceArgs, diskIds, diskProblem } from './disk';

const UUID = '0f5e6b8e-1c2d-4e3f-8a9b-0c1d2e3f4a5b';
const paths = { qmpSocket: '/run/cgvirt/web.qmp', pidfile: '/run/cgvirt/web.pid' };

const def = (d: Partial<DefinitionInput> = {}) => definitionSchema.parse({ name: 'web', uuid: UUID, memoryMiB: 64, vcpus: 1, ...d });
const argv = (d: Partial<DefinitionInput> = {}, more: Partial<ArgvInput> = {}) => buildArgv({ definition: def(d), accel: 'tcg', paths, ...more });

/** The values that follow each occurrence of `flag`. */
const valuesOf = (a: string[], flag: string) => a.flatMap((x, i) => (x === flag ? [a[i + 1]!] : []));
const jsonValuesOf = (a: string[], flag: string) => valuesOf(a, flag).map((v) => JSON.parse(v) as Record<string, unknown>);

const BASE = [
  '-name',
  'guest=web',
  '-uuid',
  UUID,
  '-machine',
  'pc',
  '-accel',
  'tcg',
  '-m',
  '64',
  '-smp',
  '1',
  '-nodefaults',
  '-no-user-config',
  '-display',
  'none',
  '-sandbox',
  'on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny',
  '-chardev',
  'socket,id=cgvirt-qmp,path=/run/cgvirt/web.qmp,server=on,wait=off',
  '-mon',
  'chardev=cgvirt-qmp,mode=control',
  '-pidfile',
  '/run/cgvirt/web.pid',
  '-device',
  '{"driver":"virtio-scsi-pci","id":"scsi0"}',
];

describe('buildArgv', () => {
  it('a guest without disks: the fixed options, the SCSI controller, and -S last', () => {
    expect(argv()).toEqual([...BASE, '-S']);
  });

  it('memory, vCPUs and accel come from the input', () => {
    const a = argv({ memoryMiB: 2048, vcpus: 4 }, { accel: 'kvm' });
    expect(valuesOf(a, '-m')).toEqual(['2048']);
    expect(valuesOf(a, '-smp')).toEqual(['4']);
    expect(valuesOf(a, '-accel')).toEqual(['kvm']);
  });

  it('raw and qcow2 disks: one -blockdev (format node over a file node) and one -device each, bootindex on the first', () => {
    const a = argv({
      disks: [
        { path: '/var/lib/cgvirt/a.img', format: 'raw' },
        { path: '/var/lib/cgvirt/b.qcow2', format: 'qcow2' },
      ],
    });
    const a0 = diskIds('/var/lib/cgvirt/a.img');
    const b0 = diskIds('/var/lib/cgvirt/b.qcow2');
    expect(a.slice(BASE.length)).toEqual([
      '-blockdev',
      `{"driver":"raw","node-name":"${a0.formatNode}","read-only":false,"file":{"driver":"file","node-name":"${a0.protocolNode}","filename":"/var/lib/cgvirt/a.img","read-only":false}}`,
      '-device',
      `{"driver":"virtio-blk-pci","drive":"${a0.formatNode}","id":"${a0.deviceId}","bootindex":1}`,
      '-blockdev',
      `{"driver":"qcow2","node-name":"${b0.formatNode}","read-only":false,"file":{"driver":"file","node-name":"${b0.protocolNode}","filename":"/var/lib/cgvirt/b.qcow2","read-only":false}}`,
      '-device',
      `{"driver":"virtio-blk-pci","drive":"${b0.formatNode}","id":"${b0.deviceId}"}`,
      '-S',
    ]);
  });

  it('a read-only disk is read-only on both nodes', () => {
    const [bd] = jsonValuesOf(argv({ disks: [{ path: '/img/ro.img', readonly: true }] }), '-blockdev');
    expect(bd!['read-only']).toBe(true);
    expect((bd!.file as Record<string, unknown>)['read-only']).toBe(true);
  });

  it('a block device uses the host_device protocol', () => {
    const a = argv({ disks: [{ path: '/dev/loop3' }, { path: '/img/f.img' }] }, { blockDevices: new Set(['/dev/loop3']) });
    const [dev, file] = jsonValuesOf(a, '-blockdev');
    expect((dev!.file as Record<string, unknown>).driver).toBe('host_device');
    expect((file!.file as Record<string, unknown>).driver).toBe('file');
  });

  it('each bus gets its device: virtio-blk-pci, scsi-hd on the controller, ide-hd on explicit bus and unit', () => {
    const a = argv({
      disks: [
        { path: '/i/v', bus: 'virtio' },
        { path: '/i/s', bus: 'scsi' },
        { path: '/i/i0', bus: 'ide' },
        { path: '/i/i1', bus: 'ide' },
        { path: '/i/i2', bus: 'ide' },
      ],
    });
    const devices = jsonValuesOf(a, '-device').slice(1); // after the SCSI controller
    expect(devices.map((d) => [d.driver, d.bus, d.unit])).toEqual([
      ['virtio-blk-pci', undefined, undefined],
      ['scsi-hd', 'scsi0.0', undefined],
      ['ide-hd', 'ide.0', 0],
      ['ide-hd', 'ide.0', 1],
      ['ide-hd', 'ide.1', 0],
    ]);
    expect(devices.map((d) => d.bootindex)).toEqual([1, undefined, undefined, undefined, undefined]);
  });

  it('the first disk boots whatever its bus', () => {
    const devices = jsonValuesOf(argv({ disks: [{ path: '/i/s', bus: 'scsi' }, { path: '/i/v' }] }), '-device');
    expect(devices[1]).toMatchObject({ driver: 'scsi-hd', bootindex: 1 });
    expect(devices[2]!.bootindex).toBeUndefined();
  });

  it('VNC: a unix socket and a VGA card, only when enabled', () => {
    const vncSocket = '/run/cgvirt/web.vnc';
    const a = argv({ vnc: true }, { paths: { ...paths, vncSocket } });
    expect(valuesOf(a, '-vnc')).toEqual(['unix:/run/cgvirt/web.vnc']);
    expect(jsonValuesOf(a, '-device')).toContainEqual({ driver: 'VGA', id: 'video0' });
    expect(valuesOf(argv({}, { paths: { ...paths, vncSocket } }), '-vnc')).toEqual([]);
    expect(() => argv({ vnc: true })).toThrow(/vncSocket/);
  });

  it('a path with a comma, a quote and spaces stays one JSON file name: nothing is spliced into an option', () => {
    const path = '/img/my disk,file=/etc/shadow "x\'.img';
    const a = argv({ disks: [{ path }] });
    const [bd] = jsonValuesOf(a, '-blockdev');
    expect((bd!.file as Record<string, unknown>).filename).toBe(path);
    // The path appears in no argument other than that JSON value.
    expect(a.filter((x) => x.includes('shadow'))).toHaveLength(1);
    expect(a.filter((x) => x.includes('shadow'))[0]!.startsWith('{')).toBe(true);
  });

  it('a guest name with a comma has it doubled, so it cannot add an option', () => {
    expect(valuesOf(argv({ name: 'web,debug-threads=on' }), '-name')).toEqual(['guest=web,,debug-threads=on']);
  });

  it('runtime paths with commas are doubled in comma-separated options, kept plain where QEMU takes a bare path', () => {
    const a = argv({ vnc: true }, { paths: { qmpSocket: '/run/a,b/q.sock', pidfile: '/run/a,b/q.pid', vncSocket: '/run/a,b/v.sock' } });
    expect(valuesOf(a, '-chardev')).toEqual(['socket,id=cgvirt-qmp,path=/run/a,,b/q.sock,server=on,wait=off']);
    expect(valuesOf(a, '-vnc')).toEqual(['unix:/run/a,,b/v.sock']);
    expect(valuesOf(a, '-pidfile')).toEqual(['/run/a,b/q.pid']);
  });

  it('refuses a socket path too long for a unix socket, saying what to do', () => {
    const long = `/run/${'x'.repeat(100)}/q.sock`;
    expect(() => argv({}, { paths: { ...paths, qmpSocket: long } })).toThrow(
      /QMP socket path .* is 112 bytes, over the 107 a unix socket allows; use a shorter runtime directory/,
    );
  });

  it('refuses what QEMU cannot run, naming the disk and what to do', () => {
    const err = (() => {
      try {
        argv({ disks: [{ path: '/i/ro', bus: 'ide', readonly: true }] });
      } catch (e) {
        return e;
      }
    })();
    expect(isCgvirtError(err) && err.code).toBe('INVALID_ARG');
    expect((err as Error).message).toMatch(/'\/i\/ro' is read-only on the ide bus.*use bus virtio or scsi/);
    expect(() => argv({ disks: [1, 2, 3, 4, 5].map((i) => ({ path: `/i/${i}`, bus: 'ide' as const })) })).toThrow(
      /5 disks are on the ide bus, which has 4 slots/,
    );
  });
});

describe('disk pieces for hot-plug', () => {
  it('ids are deterministic, distinct per path, and valid QEMU node names (letter first, < 32 bytes)', () => {
    const a = diskIds('/img/a.img');
    expect(diskIds('/img/a.img')).toEqual(a);
    expect(diskIds('/img/b.img').formatNode).not.toBe(a.formatNode);
    for (const id of [a.formatNode, a.protocolNode, a.deviceId]) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_.-]{0,30}$/);
  });

  it('blockdev-add and device_add arguments are the command-line JSON', () => {
    const disk = def({ disks: [{ path: '/img/s.img', bus: 'scsi', format: 'qcow2' }] }).disks[0]!;
    const ids = diskIds(disk.path);
    expect(blockdevArgs(disk, 'file')).toEqual({
      driver: 'qcow2',
      'node-name': ids.formatNode,
      'read-only': false,
      file: { driver: 'file', 'node-name': ids.protocolNode, filename: '/img/s.img', 'read-only': false },
    });
    expect(deviceArgs(disk)).toEqual({ driver: 'scsi-hd', bus: 'scsi0.0', drive: ids.formatNode, id: ids.deviceId });
  });

  it('an ide device needs its slot', () => {
    const disk = def({ disks: [{ path: '/img/i', bus: 'ide' }] }).disks[0]!;
    expect(() => deviceArgs(disk)).toThrow(/ideIndex/);
    expect(diskProblem(disk)).toBeNull();
  });

  it('qemuOptValue doubles every comma', () => {
    expect(qemuOptValue('a,b,,c')).toBe('a,,b,,,,c');
  });
});
