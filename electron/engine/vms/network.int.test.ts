// NICs on real QEMU: a MAC assigned on define is stored and kept, a forwarded loopback port is QEMU's while the guest
// runs, and a second guest asking for the same host port is refused at start with the field named.
import { createConnection } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnHost } from '../../../testing/describe-on-host';
import { startEngineHarness, type EngineHarness } from '../../../testing/engine';
import { freePort } from '../../../testing/host-ports';

let t: EngineHarness;

const connects = (port: number) =>
  new Promise<boolean>((resolve) => {
    const c = createConnection({ host: '127.0.0.1', port });
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });

describeOnHost(['root', 'cgroupV1', 'qemu'], 'NICs and port forwards (real QEMU)', () => {
  beforeAll(async () => {
    t = await startEngineHarness();
  });
  afterAll(async () => t?.teardown());

  it('assigns each NIC a stable unicast MAC on define and keeps it through an update', async () => {
    const vm = await t.engine.vmDefine(t.guest('macs', 'halt', { nics: [{}, { model: 'e1000' }] }));
    const macs = vm.definition.nics.map((n) => n.mac);
    expect(macs).toEqual([expect.stringMatching(/^52:54:00(:[0-9a-f]{2}){3}$/), expect.stringMatching(/^52:54:00/)]);
    expect(new Set(macs).size).toBe(2);
    // A NIC added later gets a MAC neither of the others has; the two keep theirs.
    const { info } = await t.engine.vmUpdate({ ...vm.definition, nics: [...vm.definition.nics, { model: 'virtio-net-pci', forwards: [] }] });
    expect(info.definition.nics.slice(0, 2).map((n) => n.mac)).toEqual(macs);
    expect(macs).not.toContain(info.definition.nics[2]!.mac);
  });

  it('a forwarded host port is bound while the guest runs; another guest cannot take it', async () => {
    const port = await freePort();
    await t.engine.vmDefine(t.guest('fwd-a', 'halt', { nics: [{ forwards: [{ hostPort: port, guestPort: 80 }] }] }));
    await t.engine.vmDefine(t.guest('fwd-b', 'halt', { nics: [{ forwards: [{ hostPort: port, guestPort: 22 }] }] }));
    expect(await connects(port)).toBe(false);
    await t.engine.vmStart({ name: 'fwd-a' });
    expect(await connects(port)).toBe(true); // slirp accepts on the host side, whatever the guest does
    await expect(t.engine.vmStart({ name: 'fwd-b' })).rejects.toThrow(
      `guest 'fwd-b': nics[0].forwards[0].hostPort ${port}/tcp is in use on 127.0.0.1 (by another program or guest); choose another port`,
    );
    expect((await t.engine.vmGet({ name: 'fwd-b' })).state).not.toBe('running');
    await t.engine.vmDestroy({ name: 'fwd-a' });
    expect(await connects(port)).toBe(false);
  });
});
