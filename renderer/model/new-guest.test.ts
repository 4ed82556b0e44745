import { describe, expect, it } from 'vitest';
import { definitionInputSchema } from '../../shared';
import { defaultVcpus, dialogField, dialogPathLabel, hardwareOf, type HardwareChoices } from './new-guest';
import { inUserWords } from './user-words';

const choices: HardwareChoices = {
  install: 'iso',
  iso: '/srv/debian.iso',
  kernel: '/boot/vmlinuz',
  initrd: '',
  cmdline: 'console=ttyS0',
  network: true,
  networkMode: 'nat',
  bridge: 'br0',
  display: true,
  accel: 'auto',
};

describe('the New guest dialog’s choices', () => {
  it('an ISO install gets a CD-ROM drive with the ISO, booted first; an empty ISO field an empty drive', () => {
    expect(hardwareOf(choices)).toEqual({
      cdroms: [{ path: '/srv/debian.iso' }],
      boot: { order: ['cdrom', 'disk'] },
      nics: [{ model: 'virtio-net-pci', forwards: [] }],
      vnc: true,
      accel: 'auto',
    });
    expect(hardwareOf({ ...choices, iso: ' ' }).cdroms).toEqual([{}]);
  });

  it('an import boots its disk and has no drive; a kernel boot loads the kernel; network and display can be off', () => {
    expect(hardwareOf({ ...choices, install: 'import', network: false, display: false, accel: 'tcg' })).toEqual({
      cdroms: [],
      boot: { order: ['disk', 'cdrom'] },
      nics: [],
      vnc: false,
      accel: 'tcg',
    });
    expect(hardwareOf({ ...choices, install: 'kernel' }).boot).toEqual({
      order: ['disk', 'cdrom'],
      kernel: { kernel: '/boot/vmlinuz', cmdline: 'console=ttyS0' },
    });
    expect(hardwareOf({ ...choices, install: 'kernel', initrd: '/boot/initrd.img' }).boot.kernel).toMatchObject({ initrd: '/boot/initrd.img' });
  });

  it('the card is on NAT, or on the chosen host bridge (the bridge is kept only for Bridge)', () => {
    expect(hardwareOf(choices).nics).toEqual([{ model: 'virtio-net-pci', forwards: [] }]);
    expect(hardwareOf({ ...choices, networkMode: 'bridge' }).nics).toEqual([{ model: 'virtio-net-pci', bridge: 'br0', forwards: [] }]);
    expect(hardwareOf({ ...choices, networkMode: 'bridge', network: false }).nics).toEqual([]);
  });

  it('what it makes is a definition the engine takes', () => {
    for (const install of ['iso', 'import', 'kernel'] as const) {
      expect(definitionInputSchema.safeParse({ name: 'x', memoryMiB: 1024, vcpus: 2, ...hardwareOf({ ...choices, install }) }).success).toBe(true);
    }
  });

  it('two vCPUs where the host has two', () => {
    expect([defaultVcpus(undefined), defaultVcpus(1), defaultVcpus(2), defaultVcpus(16)]).toEqual([1, 1, 2, 2]);
  });

  it('puts a problem on the dialog’s field, in the dialog’s words', () => {
    expect([
      dialogField(['disks', 0, 'path']),
      dialogField(['cdroms', 0, 'path']),
      dialogField(['boot', 'kernel', 'initrd']),
      dialogField(['vcpus']),
      dialogField(['nics', 0, 'bridge']),
    ]).toEqual(['path', 'iso', 'initrd', 'vcpus', 'bridge']);
    expect(inUserWords("nics[0].bridge 'br9' is not a bridge on this host; bridges here: br0", dialogPathLabel)).toBe(
      "Host bridge 'br9' is not a bridge on this host; bridges here: br0",
    );
    expect(inUserWords("cdroms[0].path '/srv/x.iso' does not exist", dialogPathLabel)).toBe("ISO image '/srv/x.iso' does not exist");
    expect(inUserWords("disks[0].path '/srv/x.img' does not exist", dialogPathLabel)).toBe("Image path '/srv/x.img' does not exist");
  });
});
