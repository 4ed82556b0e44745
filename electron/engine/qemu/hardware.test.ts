// The command line for CD-ROMs, boot order, kernel boot, the serial port and NICs: what each definition turns into,
// and that user text stays a JSON value or a whole argument.
import { describe, expect, it } from 'vitest';
import { definitionSchema, type DefinitionInput } from '../../../shared';
import { buildArgv } from './argv';
import { tapName } from '../host/network';
import { bootIndexes, defaultMac, ideProblem } from './hardware';

const UUID = '0f5e6b8e-1c2d-4e3f-8a9b-0c1d2e3f4a5b';
const paths = { qmpSocket: '/run/cgvirt/web.qmp', pidfile: '/run/cgvirt/web.pid', serialSocket: '/run/cgvirt/web.serial' };
const def = (d: Partial<DefinitionInput> = {}) => definitionSchema.parse({ name: 'web', uuid: UUID, memoryMiB: 64, vcpus: 1, ...d });
const argv = (d: Partial<DefinitionInput> = {}) => buildArgv({ definition: def(d), accel: 'tcg', paths });
const valuesOf = (a: string[], flag: string) => a.flatMap((x, i) => (x === flag ? [a[i + 1]!] : []));
const devices = (a: string[]) => valuesOf(a, '-device').map((v) => JSON.parse(v) as Record<string, unknown>);

describe('CD-ROM drives', () => {
  it('opens an ISO read-only on IDE after the IDE disks, and an empty drive has no medium', () => {
    const a = argv({ disks: [{ path: '/img/a.img', bus: 'ide' }], cdroms: [{ path: '/iso/grub,rescue.iso' }, {}] });
    const blockdevs = valuesOf(a, '-blockdev').map((v) => JSON.parse(v) as Record<string, unknown>);
    expect(blockdevs[1]).toEqual({
      driver: 'raw',
      'node-name': 'cd0',
      'read-only': true,
      file: { driver: 'file', 'node-name': 'cd0-file', filename: '/iso/grub,rescue.iso', 'read-only': true },
    });
    const cds = devices(a).filter((d) => d.driver === 'ide-cd');
    expect(cds).toEqual([
      { driver: 'ide-cd', id: 'cdrom0', bus: 'ide.0', unit: 1, drive: 'cd0', bootindex: 2 },
      { driver: 'ide-cd', id: 'cdrom1', bus: 'ide.1', unit: 0 },
    ]);
  });

  it('refuses more drives than the IDE slots hold, saying what to move', () => {
    const d = def({ disks: [1, 2, 3].map((i) => ({ path: `/img/${i}.img`, bus: 'ide' as const })), cdroms: [{}, {}] });
    expect(ideProblem(d)).toBe('3 IDE disks and 2 CD-ROM drives need 5 IDE slots; the machine has 4 (put disks on virtio or scsi)');
    expect(() => buildArgv({ definition: d, accel: 'tcg', paths })).toThrow(/need 5 IDE slots/);
  });
});

describe('boot order', () => {
  it('numbers the first disk and the first CD-ROM in the order asked, skipping a kind the guest lacks', () => {
    const both = { disks: [{ path: '/img/a.img' }], cdroms: [{ path: '/iso/x.iso' }] };
    expect(bootIndexes(def(both))).toEqual({ disk: 1, cdrom: 2 });
    expect(bootIndexes(def({ ...both, boot: { order: ['cdrom', 'disk'] } }))).toEqual({ cdrom: 1, disk: 2 });
    expect(bootIndexes(def({ cdroms: [{}], boot: { order: ['disk', 'cdrom'] } }))).toEqual({ cdrom: 1 });
    const a = argv({ ...both, boot: { order: ['cdrom'] } });
    expect(devices(a).find((d) => d.driver === 'virtio-blk-pci')).not.toHaveProperty('bootindex');
  });

  it('direct kernel boot passes kernel, initrd and command line as whole arguments, and boots no device', () => {
    const a = argv({
      disks: [{ path: '/img/a.img' }],
      boot: { kernel: { kernel: '/boot/vmlinuz,x', initrd: '/tmp/init.cpio.gz', cmdline: 'console=ttyS0 quiet -- rdinit=/init' } },
    });
    expect(valuesOf(a, '-kernel')).toEqual(['/boot/vmlinuz,x']);
    expect(valuesOf(a, '-initrd')).toEqual(['/tmp/init.cpio.gz']);
    expect(valuesOf(a, '-append')).toEqual(['console=ttyS0 quiet -- rdinit=/init']);
    expect(devices(a).some((d) => 'bootindex' in d)).toBe(false);
  });
});

describe('serial port', () => {
  it('is a socket chardev on the runtime path, the guest’s first serial port', () => {
    const a = argv();
    expect(valuesOf(a, '-chardev')).toContain('socket,id=cgvirt-serial,path=/run/cgvirt/web.serial,server=on,wait=off');
    expect(valuesOf(a, '-serial')).toEqual(['chardev:cgvirt-serial']);
  });
});

describe('NICs', () => {
  it('user-mode NAT with loopback-only forwards, a stable MAC and no option ROM', () => {
    const a = argv({
      nics: [
        {
          forwards: [
            { hostPort: 8080, guestPort: 80 },
            { protocol: 'udp', hostPort: 5353, guestPort: 53 },
          ],
        },
        { model: 'e1000', mac: '52:54:00:AA:BB:CC' },
      ],
    });
    expect(valuesOf(a, '-netdev')).toEqual(['user,id=net0,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=udp:127.0.0.1:5353-:53', 'user,id=net1']);
    const nics = devices(a).filter((d) => d.netdev);
    expect(nics).toEqual([
      { driver: 'virtio-net-pci', netdev: 'net0', mac: defaultMac(UUID, 0), id: 'nic0', romfile: '' },
      { driver: 'e1000', netdev: 'net1', mac: '52:54:00:aa:bb:cc', id: 'nic1', romfile: '' },
    ]);
  });

  it('a bridged NIC is the tap the engine made, QEMU running no script, with the same device as on NAT', () => {
    const a = argv({ nics: [{ model: 'e1000', mac: '52:54:00:aa:bb:cc' }, { bridge: 'br-lab.0' }] });
    // The bridge's name never reaches QEMU (only `ip` gets it): the option string holds the tap's, which is ours.
    expect(valuesOf(a, '-netdev')).toEqual(['user,id=net0', `tap,id=net1,ifname=${tapName(UUID, 1)},script=no,downscript=no`]);
    expect(tapName(UUID, 1)).toMatch(/^cgv[0-9a-f]{8}$/);
    expect(a.join(' ')).not.toContain('br-lab');
    expect(devices(a).filter((d) => d.netdev)[1]).toEqual({ driver: 'virtio-net-pci', netdev: 'net1', mac: defaultMac(UUID, 1), id: 'nic1', romfile: '' });
    // QEMU's seccomp still forbids it to spawn anything: script=no needs no helper.
    expect(valuesOf(a, '-sandbox')[0]).toContain('spawn=deny');
  });

  it('derives the same locally administered unicast MAC for the same guest and NIC, another for the next NIC', () => {
    expect(defaultMac(UUID, 0)).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    expect(defaultMac(UUID, 0)).toBe(defaultMac(UUID, 0));
    expect(defaultMac(UUID, 1)).not.toBe(defaultMac(UUID, 0));
  });
});
