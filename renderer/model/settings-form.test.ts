import { describe, expect, it } from 'vitest';
import { guest } from '../../testing/fixtures';
import type { Definition } from '../../shared';
import { changeOf, draftOf, draftProblems, formKeys, labelsOf, newForwardDraft, newNicDraft, refusalProblem, type SettingsDraft } from './settings-form';

const def = {
  ...guest('web', 'shutoff', { shares: 2048, cpuset: '0', disks: ['/srv/a.img'] }).definition,
  memoryLimitMiB: 512,
};
def.disks[0]!.bus = 'scsi';

describe('the Settings form', () => {
  it('round-trips a definition: the draft of a definition changes nothing', () => {
    expect({ ...def, ...changeOf(def, draftOf(def)) }).toEqual(def);
  });

  it('reads an empty number as not given (required), never as 0, and an empty pinning or limit as none', () => {
    const draft = { ...draftOf(def), memoryMiB: '', cpuset: ' ', memoryLimitMiB: '' };
    expect(draftProblems(def, draft).memoryMiB).toBe('Memory (MiB) must be a number, not undefined');
    const change = changeOf(def, { ...draft, memoryMiB: '64' });
    expect(change.cpu).toEqual({ shares: 2048 });
    expect(change.memoryLimitMiB).toBeUndefined();
    expect(draftProblems(def, { ...draft, memoryMiB: '64' })).toEqual({});
  });

  it('keeps a disk’s bus when its path stays, and names a problem with the field it belongs to', () => {
    const draft = draftOf(def);
    expect(changeOf(def, draft).disks).toEqual([{ path: '/srv/a.img', format: 'raw', readonly: false, bus: 'scsi' }]);
    expect(draftProblems(def, { ...draft, disks: [{ path: 'relative.img', format: 'raw' }] })['disks.0']).toMatch(/not absolute/);
    expect(draftProblems(def, { ...draft, cpuset: 'x' }).cpuset).toMatch(/CPU list/);
    expect(draftProblems(def, { ...draft, memoryLimitMiB: '32' }).memoryLimitMiB).toMatch(/below the guest's memory/);
  });

  it('says fields in the window’s words', () => {
    expect(labelsOf(['memoryMiB', 'vcpus', 'disks', 'memoryLimitMiB'])).toEqual(['memory', 'vCPUs', 'disks', 'memory limit']);
  });

  it('says the new fields in the window’s words', () => {
    expect(labelsOf(['cdroms', 'boot', 'nics', 'vnc', 'accel'])).toEqual(['CD-ROM drives', 'boot', 'network', 'display', 'accelerator']);
  });
});

/** A guest with install media, a kernel to boot, a NIC with an assigned MAC and a forward, display and TCG. */
const hw: Definition = {
  ...def,
  cdroms: [{ path: '/srv/debian.iso' }, {}],
  boot: { order: ['cdrom', 'disk'], kernel: { kernel: '/boot/vmlinuz', initrd: '/boot/initrd.img', cmdline: 'console=ttyS0' } },
  nics: [{ model: 'e1000', mac: '52:54:00:ab:cd:ef', forwards: [{ protocol: 'udp', hostPort: 5353, guestPort: 53 }] }],
  vnc: true,
  accel: 'tcg',
};
const edited = (change: Partial<SettingsDraft>) => ({ ...draftOf(hw), ...change });

describe('the Settings form’s drives, boot, network, display and accelerator', () => {
  it('round-trips them: the draft of a definition changes nothing', () => {
    expect({ ...hw, ...changeOf(hw, draftOf(hw)) }).toEqual(hw);
    expect({ ...def, ...changeOf(def, draftOf(def)) }).toEqual(def);
  });

  it('shows them as the user sees them: an empty drive, the first boot device, the MAC kept, ports as text', () => {
    expect(draftOf(hw)).toMatchObject({
      cdroms: [{ path: '/srv/debian.iso' }, { path: '' }],
      bootFirst: 'cdrom',
      kernelBoot: true,
      kernel: '/boot/vmlinuz',
      initrd: '/boot/initrd.img',
      cmdline: 'console=ttyS0',
      nics: [{ model: 'e1000', mac: '52:54:00:ab:cd:ef', macAssigned: true, forwards: [{ protocol: 'udp', hostPort: '5353', guestPort: '53' }] }],
      vnc: true,
      accel: 'tcg',
    });
  });

  it('turns the draft into the definition: drives, boot order, kernel off and on, a new NIC without a MAC', () => {
    const change = changeOf(hw, edited({ cdroms: [{ path: '' }], bootFirst: 'disk', kernelBoot: false, vnc: false, accel: 'auto' }));
    expect(change).toMatchObject({ cdroms: [{}], boot: { order: ['disk', 'cdrom'] }, vnc: false, accel: 'auto' });
    expect(change.boot).not.toHaveProperty('kernel');
    // The kernel's fields stay in the draft while it is off; an empty initrd is none.
    expect(changeOf(hw, edited({ initrd: '' })).boot).toEqual({ order: ['cdrom', 'disk'], kernel: { kernel: '/boot/vmlinuz', cmdline: 'console=ttyS0' } });
    // A saved order the select does not show in full ('cdrom' alone) is kept while its first device stays first.
    const cdOnly = { ...hw, boot: { order: ['cdrom'] } } satisfies Definition;
    expect(changeOf(cdOnly, draftOf(cdOnly)).boot).toEqual({ order: ['cdrom'] });
    const nic = { ...newNicDraft(), forwards: [{ ...newForwardDraft([]), hostPort: '8080', guestPort: '80' }] };
    expect(changeOf(hw, edited({ nics: [...draftOf(hw).nics, nic] })).nics).toEqual([
      hw.nics[0],
      { model: 'virtio-net-pci', forwards: [{ protocol: 'tcp', hostPort: 8080, guestPort: 80 }] },
    ]);
  });

  it('names each problem with its field, in the user’s words: a bad MAC, a port twice, a port out of range', () => {
    const nics = draftOf(hw).nics;
    const withMac = (mac: string) => edited({ nics: [...nics, { ...newNicDraft(), mac }] });
    expect(draftProblems(hw, withMac('52:54:00:zz:00:01'))['nics.1.mac']).toBe("MAC '52:54:00:zz:00:01' must be six hex pairs like 52:54:00:12:34:56");
    expect(draftProblems(hw, withMac('01:00:5e:00:00:01'))['nics.1.mac']).toBe(
      "MAC '01:00:5e:00:00:01' is a multicast address; a NIC needs a unicast one",
    );
    expect(draftProblems(hw, withMac('52:54:00:AB:CD:EF'))['nics.1.mac']).toBe('MAC 52:54:00:ab:cd:ef is used by two NICs');

    const forwards = (...f: [string, string, 'tcp' | 'udp'][]) =>
      edited({ nics: [{ ...nics[0]!, forwards: f.map(([hostPort, guestPort, protocol]) => ({ hostPort, guestPort, protocol })) }] });
    expect(draftProblems(hw, forwards(['8080', '80', 'tcp'], ['8080', '81', 'tcp']))).toEqual({
      'nics.0.forwards.1.hostPort': 'host port 8080/tcp is forwarded twice',
    });
    // The same port for TCP and for UDP is two forwards, not one twice.
    expect(draftProblems(hw, forwards(['8080', '80', 'tcp'], ['8080', '80', 'udp']))).toEqual({});
    expect(draftProblems(hw, forwards(['70000', '0', 'tcp']))).toEqual({
      'nics.0.forwards.0.hostPort': "host port '70000' must be an integer in range [1, 65535]",
      'nics.0.forwards.0.guestPort': "guest port '0' must be an integer in range [1, 65535]",
    });
    // A port not typed yet: what to type, not the schema's "not undefined".
    expect(draftProblems(hw, forwards([' ', '', 'tcp']))).toEqual({
      'nics.0.forwards.0.hostPort': 'enter the host port, 1 to 65535',
      'nics.0.forwards.0.guestPort': 'enter the guest port, 1 to 65535',
    });
  });

  it('adds a forward as SSH from the first host port no TCP forward uses', () => {
    expect(newForwardDraft([])).toEqual({ protocol: 'tcp', hostPort: '2222', guestPort: '22' });
    // 2222 is taken by NIC 1 (UDP 2223 does not count).
    const nics = [
      {
        ...newNicDraft(),
        forwards: [
          { protocol: 'tcp' as const, hostPort: '2222', guestPort: '22' },
          { protocol: 'udp' as const, hostPort: '2223', guestPort: '53' },
        ],
      },
    ];
    expect(newForwardDraft(nics).hostPort).toBe('2223');
  });

  it('names drive and kernel problems with their fields', () => {
    expect(draftProblems(hw, edited({ cdroms: [{ path: 'debian.iso' }] }))).toEqual({
      'cdroms.0': "path 'debian.iso' is not allowed: it is not absolute",
    });
    expect(draftProblems(hw, edited({ kernel: '' })).kernel).toBe("path '' is not allowed: it is not absolute");
    expect(draftProblems(hw, edited({ cmdline: 'a\nb' })).cmdline).toBe('kernel command line must be one line without NUL');
  });

  it('puts an engine refusal beside the field it names, in the user’s words', () => {
    expect(refusalProblem("cdroms[1].path '/srv/x.iso' does not exist")).toEqual({ key: 'cdroms.1', message: "CD-ROM 2 '/srv/x.iso' does not exist" });
    expect(
      refusalProblem('nics[0].forwards[0].hostPort 80 is a privileged port (below 1024) and this engine does not run as root; use 1024-65535'),
    ).toEqual({
      key: 'nics.0.forwards.0.hostPort',
      message: 'Host port 80 is a privileged port (below 1024) and this engine does not run as root; use 1024-65535',
    });
    expect(refusalProblem("boot.kernel.initrd '/boot/i' is not a regular file: it must be a regular file")?.key).toBe('initrd');
    expect(refusalProblem("cpuset '9': CPU 9 does not exist")?.key).toBe('cpuset');
    expect(refusalProblem('2 IDE disks and 3 CD-ROM drives need 5 IDE slots')).toBeNull();
    // Only fields the form shows take a refusal: a running guest's drives are not in the form.
    expect(formKeys(draftOf(hw), { live: false }).has('cdroms.1')).toBe(true);
    expect(formKeys(draftOf(hw), { live: true }).has('cdroms.1')).toBe(false);
    expect(formKeys({ ...draftOf(hw), kernelBoot: false }, { live: false }).has('initrd')).toBe(false);
  });
});

describe('the Settings form’s network connection', () => {
  const bridged: Definition = { ...hw, nics: [{ model: 'virtio-net-pci', mac: '52:54:00:ab:cd:ef', bridge: 'br0', forwards: [] }] };

  it('shows a NIC without a bridge as NAT and one with a bridge as Bridge, and round-trips both', () => {
    expect(draftOf(hw).nics[0]).toMatchObject({ mode: 'nat', bridge: '' });
    expect(draftOf(bridged).nics[0]).toMatchObject({ mode: 'bridge', bridge: 'br0', forwards: [] });
    expect({ ...bridged, ...changeOf(bridged, draftOf(bridged)) }).toEqual(bridged);
    expect(newNicDraft()).toMatchObject({ mode: 'nat', bridge: '' });
  });

  it('a NIC turned to Bridge keeps no forwards in the definition (the draft keeps them for NAT again)', () => {
    const nic = { ...draftOf(hw).nics[0]!, mode: 'bridge' as const, bridge: 'br-lab' };
    expect(changeOf(hw, edited({ nics: [nic] })).nics).toEqual([{ model: 'e1000', mac: '52:54:00:ab:cd:ef', bridge: 'br-lab', forwards: [] }]);
    expect(nic.forwards).toHaveLength(1);
    expect(changeOf(hw, edited({ nics: [{ ...nic, mode: 'nat' }] })).nics).toEqual(hw.nics);
  });

  it('names bridge problems with the bridge field, and puts the engine’s refusal there in the user’s words', () => {
    const nic = (bridge: string) => edited({ nics: [{ ...draftOf(hw).nics[0]!, mode: 'bridge', bridge }] });
    expect(draftProblems(hw, nic(''))).toEqual({ 'nics.0.bridge': 'choose the host bridge the card joins' });
    expect(draftProblems(hw, nic('br 0'))['nics.0.bridge']).toMatch(/^bridge name 'br 0' must be 1 to 15/);
    expect(refusalProblem("nics[0].bridge 'br9' is not a bridge on this host; bridges here: br0")).toEqual({
      key: 'nics.0.bridge',
      message: "Host bridge 'br9' is not a bridge on this host; bridges here: br0",
    });
    expect(formKeys(nic('br0'), { live: false }).has('nics.0.bridge')).toBe(true);
    expect(formKeys(nic('br0'), { live: false }).has('nics.0.forwards.0.hostPort')).toBe(false);
    expect(formKeys(draftOf(hw), { live: false }).has('nics.0.bridge')).toBe(false);
  });
});
