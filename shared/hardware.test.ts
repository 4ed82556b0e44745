import { describe, expect, it } from 'vitest';
import { definitionInputSchema } from './domain';
import { nicModeOf } from './hardware';

const base = { name: 'web', memoryMiB: 64, vcpus: 1 };
const problems = (more: Record<string, unknown>) => {
  const r = definitionInputSchema.safeParse({ ...base, ...more });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('the hardware part of a definition', () => {
  it('defaults to no drives, no NICs, disk before CD-ROM and the host’s accelerator', () => {
    expect(definitionInputSchema.parse(base)).toMatchObject({ cdroms: [], nics: [], boot: { order: ['disk', 'cdrom'] }, accel: 'auto' });
  });

  it('refuses a bad MAC, saying what a good one is', () => {
    expect(problems({ nics: [{ mac: '52:54:00:12:34' }] })).toEqual(["nics.0.mac: MAC '52:54:00:12:34' must be six hex pairs like 52:54:00:12:34:56"]);
    expect(problems({ nics: [{ mac: '01:00:5e:00:00:01' }] })).toEqual([
      "nics.0.mac: MAC '01:00:5e:00:00:01' is a multicast address; a NIC needs a unicast one",
    ]);
    expect(problems({ nics: [{ mac: '00:00:00:00:00:00' }] })).toEqual(['nics.0.mac: MAC 00:00:00:00:00:00 is not a usable address']);
  });

  it('refuses a port out of range, a port forwarded twice, and one MAC on two NICs', () => {
    expect(problems({ nics: [{ forwards: [{ hostPort: 70000, guestPort: 22 }] }] })).toEqual([
      "nics.0.forwards.0.hostPort: host port '70000' must be an integer in range [1, 65535]",
    ]);
    expect(problems({ nics: [{ forwards: [{ hostPort: 2222, guestPort: 22 }] }, { forwards: [{ hostPort: 2222, guestPort: 80 }] }] })).toEqual([
      'nics.1.forwards.0.hostPort: host port 2222/tcp is forwarded twice',
    ]);
    expect(
      problems({
        nics: [
          {
            forwards: [
              { hostPort: 53, guestPort: 53 },
              { protocol: 'udp', hostPort: 53, guestPort: 53 },
            ],
          },
        ],
      }),
    ).toEqual([]);
    expect(problems({ nics: [{ mac: '52:54:00:00:00:01' }, { mac: '52:54:00:00:00:01' }] })).toEqual([
      'nics.1.mac: MAC 52:54:00:00:00:01 is used by two NICs',
    ]);
  });

  it('refuses a relative ISO or kernel path, a boot order naming a device twice, a command line with a newline', () => {
    expect(problems({ cdroms: [{ path: 'grub.iso' }] })).toEqual(["cdroms.0.path: path 'grub.iso' is not allowed: it is not absolute"]);
    expect(problems({ boot: { order: ['disk', 'disk'] } })).toEqual(['boot.order: boot order must not name a device twice']);
    expect(problems({ boot: { kernel: { kernel: '/boot/vmlinuz', cmdline: 'a\nb' } } })).toEqual([
      'boot.kernel.cmdline: kernel command line must be one line without NUL',
    ]);
  });
});

describe('a NIC on a host bridge', () => {
  it('is NAT without a bridge (a stored definition from before bridges reads as NAT), bridged with one', () => {
    const d = definitionInputSchema.parse({ ...base, nics: [{ model: 'e1000' }, { bridge: 'br0' }] });
    expect(d.nics.map(nicModeOf)).toEqual(['nat', 'bridge']);
    expect(d.nics[0]).not.toHaveProperty('bridge');
  });

  it('takes a Linux interface name: 1 to 15 of letters, digits, . - _, not . or ..', () => {
    for (const ok of ['br0', 'br-lab.10', 'virbr_0', 'a', 'x'.repeat(15)]) expect(problems({ nics: [{ bridge: ok }] })).toEqual([]);
    for (const bad of ['', '.', '..', 'x'.repeat(16), 'br 0', 'br/0', 'br:0', 'br,0', 'brü']) {
      expect(problems({ nics: [{ bridge: bad }] })).toEqual([
        `nics.0.bridge: bridge name '${bad}' must be 1 to 15 letters, digits, '.', '-' or '_' (a Linux interface name), not '.' or '..'`,
      ]);
    }
  });

  it('has no port forwards: they are for NAT', () => {
    expect(problems({ nics: [{ bridge: 'br0', forwards: [{ hostPort: 2222, guestPort: 22 }] }] })).toEqual([
      "nics.0.forwards: port forwards are for user-mode NAT only: NIC 1 is on bridge 'br0', where the guest is reached at its own address",
    ]);
  });
});
