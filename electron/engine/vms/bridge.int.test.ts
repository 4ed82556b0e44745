// NICs on a host bridge, on real QEMU: the engine makes a tap per bridged NIC at start and joins it to the bridge, QEMU
// attaches to it through /dev/net/tun (which the guest's device ACL allows), and every end of the run deletes it:
// destroy, a crash, a failed start, and an engine restarted to find the guest's QEMU gone (a guest still running keeps
// its tap). The test's bridges have unique names and are removed afterwards, also when a test fails, with any tap of
// the test's guests left behind (testing/bridges.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Nic, NicInput, VmInfo } from '../../../shared';
import {
  interfaceExists,
  masterOf,
  newIdleTapNamed,
  newInterfaceNamed,
  newTestBridge,
  removeTestInterface,
  removeTestInterfaces,
  sweepDeadTestBridges,
} from '../../../testing/bridges';
import { describeOnHost } from '../../../testing/describe-on-host';
import { startEngineHarness, type EngineHarness } from '../../../testing/engine';
import { tapName } from '../host/network';

let t: EngineHarness | undefined;
let bridge: string;
/** Every tap a guest of this file may have: removed in afterAll if a failing test left one. */
const taps = new Set<string>();

const engine = () => t!.engine;
const devicesList = (name: string) => readFileSync(join('/sys/fs/cgroup/devices', t!.dirs.partition, 'qemu', name, 'devices.list'), 'utf8').split('\n');
const carrier = (tap: string) => readFileSync(`/sys/class/net/${tap}/carrier`, 'utf8').trim();
const stateOf = async (name: string) => (await engine().vmGet({ name })).state;

async function define(name: string, nics: NicInput[]): Promise<{ vm: VmInfo; tap: (i: number) => string }> {
  const vm = await engine().vmDefine(t!.guest(name, 'halt', { nics }));
  const tap = (i: number) => tapName(vm.definition.uuid, i);
  vm.definition.nics.forEach((_, i) => taps.add(tap(i)));
  return { vm, tap };
}

describeOnHost(['root', 'cgroupV1', 'qemu', 'tun'], 'NICs on a host bridge (real taps, real QEMU)', () => {
  beforeAll(async () => {
    sweepDeadTestBridges();
    bridge = newTestBridge();
    t = await startEngineHarness();
  });
  afterAll(async () => {
    try {
      await t?.teardown();
    } finally {
      removeTestInterfaces([...taps]);
    }
  });

  it('refuses on define a bridge this host does not have, naming the field and the bridges it has', async () => {
    const refused = engine().vmDefine(t!.guest('no-bridge', 'halt', { nics: [{ bridge: 'cgvtnone' }] }));
    await expect(refused).rejects.toThrow("nics[0].bridge 'cgvtnone' is not a bridge on this host; bridges here: ");
    await expect(refused).rejects.toThrow(new RegExp(`bridges here: (.+, )?${bridge}(,|$)`));
    // An interface that exists but is no bridge is refused the same way.
    await expect(engine().vmDefine(t!.guest('no-bridge', 'halt', { nics: [{}, { bridge: 'lo' }] }))).rejects.toThrow(
      "nics[1].bridge 'lo' is not a bridge on this host",
    );
    expect((await engine().vmList({})).map((v) => v.definition.name)).not.toContain('no-bridge');
  });

  it('starts a guest on the bridge: its tap is a port of the bridge, QEMU holds it, the ACL allows /dev/net/tun; destroy deletes the tap', async () => {
    const { tap } = await define('br-guest', [{ bridge }]);
    expect(interfaceExists(tap(0))).toBe(false);
    const vm = await engine().vmStart({ name: 'br-guest' });
    expect(vm.state).toBe('running');
    expect(masterOf(tap(0))).toBe(bridge);
    expect(carrier(tap(0))).toBe('1'); // a process is attached: QEMU opened /dev/net/tun and took the tap
    const argv = readFileSync(`/proc/${vm.pid}/cmdline`, 'utf8').split('\0');
    expect(argv[argv.indexOf('-netdev') + 1]).toBe(`tap,id=net0,ifname=${tap(0)},script=no,downscript=no`);
    expect(devicesList('br-guest')).toContain('c 10:200 rw');
    expect(await engine().devicesGet({ name: 'br-guest' })).toContainEqual(
      expect.objectContaining({ path: '/dev/net/tun', source: 'network', access: 'rw', live: true, config: true }),
    );
    expect((await engine().vmDestroy({ name: 'br-guest' })).state).toBe('shutoff');
    expect(interfaceExists(tap(0))).toBe(false);
  });

  it('a guest without a bridged NIC gets no tap and no /dev/net/tun', async () => {
    await define('nat-guest', [{}]);
    await engine().vmStart({ name: 'nat-guest' });
    expect(devicesList('nat-guest')).not.toContain('c 10:200 rw');
    await engine().vmDestroy({ name: 'nat-guest' });
  });

  it('a crash deletes the tap too', async () => {
    const { tap } = await define('br-crash', [{ bridge }]);
    const { pid } = await engine().vmStart({ name: 'br-crash' });
    expect(masterOf(tap(0))).toBe(bridge);
    process.kill(pid!, 'SIGKILL'); // the QEMU this test's engine started
    await expect.poll(() => stateOf('br-crash'), { timeout: 10_000 }).toBe('crashed');
    expect(interfaceExists(tap(0))).toBe(false);
  });

  it('a failed start leaves no tap: the next NIC’s bridge gone since define, or its tap name taken by something else', async () => {
    const second = newTestBridge();
    const { vm, tap } = await define('br-fail', [{ bridge }, { bridge: second }]);
    removeTestInterface(second);
    await expect(engine().vmStart({ name: 'br-fail' })).rejects.toThrow(
      `start of 'br-fail' failed at step 'create taps': nics[1].bridge '${second}' is not a bridge on this host`,
    );
    // NIC 0's tap was made and on the bridge before NIC 1 failed: the undo chain deleted it.
    expect([interfaceExists(tap(0)), interfaceExists(tap(1))]).toEqual([false, false]);
    expect(await stateOf('br-fail')).toBe('shutoff');

    const both: Nic[] = vm.definition.nics.map((n) => ({ ...n, bridge }));
    await engine().vmUpdate({ ...vm.definition, nics: both });
    newInterfaceNamed(tap(1)); // not a tap: the engine must neither take it over nor delete it
    await expect(engine().vmStart({ name: 'br-fail' })).rejects.toThrow(
      `at step 'create taps': the tap name ${tap(1)} for nics[1] is taken on this host by an interface that is not a tap`,
    );
    expect(interfaceExists(tap(0))).toBe(false);
    expect(interfaceExists(tap(1))).toBe(true);
    removeTestInterface(tap(1));

    await engine().vmStart({ name: 'br-fail' });
    expect([masterOf(tap(0)), masterOf(tap(1))]).toEqual([bridge, bridge]);
    await engine().vmDestroy({ name: 'br-fail' });
    expect([interfaceExists(tap(0)), interfaceExists(tap(1))]).toEqual([false, false]);
  });

  it('a tap of the guest’s own name that no process holds (a start that never finished) is replaced, and the log says so', async () => {
    const { tap } = await define('br-stale', [{ bridge }]);
    newIdleTapNamed(tap(0));
    expect(masterOf(tap(0))).toBeNull();
    await engine().vmStart({ name: 'br-stale' });
    expect(masterOf(tap(0))).toBe(bridge);
    expect(carrier(tap(0))).toBe('1');
    await expect
      .poll(async () => (await engine().vmLog({ name: 'br-stale', lines: 50 })).lines.join('\n'))
      .toContain(`deleted the tap ${tap(0)} a run of this guest left behind`);
    await engine().vmDestroy({ name: 'br-stale' });
    expect(interfaceExists(tap(0))).toBe(false);
  });

  it('after an engine restart a guest still running keeps its tap; one whose QEMU ended meanwhile has its tap deleted', async () => {
    const keep = await define('br-keep', [{ bridge }]);
    const gone = await define('br-gone', [{ bridge }]);
    await engine().vmStart({ name: 'br-keep' });
    const { pid } = await engine().vmStart({ name: 'br-gone' });
    const dirs = t!.dirs;
    await engine().close(); // the guests keep running
    process.kill(pid!, 'SIGKILL');
    await expect.poll(() => existsSync(`/proc/${pid}`), { timeout: 10_000 }).toBe(false);
    expect(interfaceExists(gone.tap(0))).toBe(true); // no engine watched it end

    t = await startEngineHarness({}, dirs);
    expect(await stateOf('br-keep')).toBe('running');
    expect(masterOf(keep.tap(0))).toBe(bridge);
    expect(carrier(keep.tap(0))).toBe('1');
    expect(await stateOf('br-gone')).toBe('shutoff');
    expect(interfaceExists(gone.tap(0))).toBe(false);

    await engine().vmDestroy({ name: 'br-keep' });
    expect(interfaceExists(keep.tap(0))).toBe(false);
  });
});
