// Bridged networking's host side without touching the host's network: the probe over stated privileges and device
// paths, the bridge list and interface kinds over a directory laid out like /sys/class/net, the tap names, and the
// words a refused bridge gets. (Real taps on a real bridge: electron/engine/vms/bridge.int.test.ts.)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bridgeProblem, interfaceKind, listBridges, probeBridging, tapName, type BridgingHost } from './network';

const NET_ADMIN = 1n << 12n;
const root: BridgingHost = { uid: 0, capEff: 0x1ffffffffffn, capAmb: 0n, tunDevice: '/dev/null', ipBinary: '/usr/sbin/ip' };

describe('can this engine bridge', () => {
  it('yes as root with the TUN device (a character device) and ip', () => {
    expect(probeBridging(root)).toEqual({ available: true });
  });

  it('not as a plain user, saying which uid it runs as', () => {
    expect(probeBridging({ ...root, uid: 1000, capEff: 0n })).toEqual({
      available: false,
      reason: 'bridged networking needs a privileged engine (root); this one runs as uid 1000',
    });
    // A file capability on the engine gives CAP_NET_ADMIN to the engine only, not to the `ip` it runs.
    expect(probeBridging({ ...root, uid: 1000, capEff: NET_ADMIN }).available).toBe(false);
  });

  it('as a user with CAP_NET_ADMIN ambient (what its children inherit)', () => {
    expect(probeBridging({ ...root, uid: 1000, capEff: NET_ADMIN, capAmb: NET_ADMIN })).toEqual({ available: true });
  });

  it('not as root without CAP_NET_ADMIN (a restricted container)', () => {
    expect(probeBridging({ ...root, capEff: 0x1ffffffffffn & ~NET_ADMIN })).toMatchObject({
      available: false,
      reason: expect.stringMatching(/CAP_NET_ADMIN/),
    });
  });

  it('not without /dev/net/tun, nor without ip', () => {
    expect(probeBridging({ ...root, tunDevice: '/dev/net/no-tun-here' })).toEqual({
      available: false,
      reason: '/dev/net/no-tun-here does not exist (load the tun module)',
    });
    expect(probeBridging({ ...root, tunDevice: '/etc/hostname' })).toEqual({ available: false, reason: '/etc/hostname is not a character device' });
    expect(probeBridging({ ...root, ipBinary: null })).toEqual({
      available: false,
      reason: 'bridged networking needs the ip command (Debian package iproute2), which is not installed',
    });
  });
});

describe('the host’s interfaces (a directory laid out like /sys/class/net)', () => {
  const sys = mkdtempSync(join(tmpdir(), 'cgv-net-'));
  afterAll(() => rmSync(sys, { recursive: true, force: true }));
  const iface = (name: string, files: Record<string, string> = {}, dirs: string[] = []) => {
    mkdirSync(join(sys, name));
    for (const [f, v] of Object.entries(files)) writeFileSync(join(sys, name, f), v);
    for (const d of dirs) mkdirSync(join(sys, name, d));
  };
  iface('eth0', { carrier: '1\n' });
  iface('br0', {}, ['bridge']);
  iface('br-lab', {}, ['bridge']);
  iface('cgvidle', { tun_flags: '0x1802\n', carrier: '0\n' });
  iface('cgvbusy', { tun_flags: '0x1802\n', carrier: '1\n' });
  iface('cgvdown', { tun_flags: '0x1802\n' }); // a link that is down has no readable carrier

  it('lists the bridges, sorted, and nothing else', () => {
    expect(listBridges(sys)).toEqual(['br-lab', 'br0']);
    expect(listBridges(join(sys, 'nowhere'))).toEqual([]);
  });

  it('tells a free name, a tap nobody holds, a tap in use and another interface apart', () => {
    expect(['cgvfree', 'cgvidle', 'cgvdown', 'cgvbusy', 'br0', 'eth0'].map((n) => interfaceKind(n, sys))).toEqual([
      'none',
      'idle tap',
      'idle tap',
      'busy tap',
      'other',
      'other',
    ]);
  });
});

describe('tap names', () => {
  it('are cgv and 8 hex digits, stable per guest and NIC, different across NICs and guests', () => {
    const uuid = '0f5e6b8e-1c2d-4e3f-8a9b-0c1d2e3f4a5b';
    expect(tapName(uuid, 0)).toMatch(/^cgv[0-9a-f]{8}$/);
    expect(tapName(uuid, 0).length).toBeLessThanOrEqual(15);
    expect(tapName(uuid, 0)).toBe(tapName(uuid, 0));
    expect(tapName(uuid, 1)).not.toBe(tapName(uuid, 0));
    expect(tapName('1f5e6b8e-1c2d-4e3f-8a9b-0c1d2e3f4a5b', 0)).not.toBe(tapName(uuid, 0));
  });
});

describe('a bridge a definition names', () => {
  const at = 'nics[0].bridge';
  it('must be one of the host’s bridges; the refusal lists them', () => {
    expect(bridgeProblem(at, 'br0', { available: true }, ['br0'])).toBeNull();
    expect(bridgeProblem(at, 'br9', { available: true }, ['br0'])).toBe("nics[0].bridge 'br9' is not a bridge on this host; bridges here: br0");
    expect(bridgeProblem(at, 'br9', { available: true }, [])).toBe("nics[0].bridge 'br9' is not a bridge on this host; bridges here: none");
  });

  it('is refused with the probe’s reason by an engine that cannot bridge, even where the bridge exists', () => {
    const reason = 'bridged networking needs a privileged engine (root); this one runs as uid 1000';
    expect(bridgeProblem(at, 'br0', { available: false, reason }, ['br0'])).toBe(`nics[0].bridge 'br0' cannot be used: ${reason}`);
  });
});
