// Disks on real QEMU: each bus boots and is seen, block devices go through host_device, and hot-plug at the QEMU level:
// which buses can be attached and detached on a guest that runs no OS (our boot-sector guests never answer ACPI).
import { execFileSync } from 'node:child_process';
import { copyFileSync, linkSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { definitionSchema, type Disk } from '../../../shared';
import { describeOnHost } from '../../../testing/describe-on-host';
import { blockDevicePaths, blockdevArgs, BUS_HOTPLUG, deviceArgs, diskIds } from './disk';
import { isQmpError, type QmpClient } from './qmp';
import { newTestDir, startTestGuest, stopTestGuest, testDefinition, type TestDir, type TestGuest } from '../../../testing/qemu-guest';

interface BlockInfo {
  qdev: string;
  inserted?: { file: string; ro: boolean; drv: string; 'node-name': string };
}
const caught = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'resolved',
    (e: unknown) => e,
  );

/** What the engine's attach does at the QEMU level: blockdev-add, then device_add (rolled back if refused). */
async function attach(qmp: QmpClient, d: Disk, protocol: 'file' | 'host_device' = 'file'): Promise<void> {
  await qmp.execute('blockdev-add', blockdevArgs(d, protocol));
  try {
    await qmp.execute('device_add', deviceArgs(d));
  } catch (e) {
    await qmp.execute('blockdev-del', { 'node-name': diskIds(d.path).formatNode });
    throw e;
  }
}

/** device_del, the DEVICE_DELETED event (subscribed first: it may precede the answer), then blockdev-del. */
async function detach(qmp: QmpClient, d: Disk, timeoutMs: number): Promise<void> {
  const ids = diskIds(d.path);
  const deleted = qmp.waitForEvent((e) => e.event === 'DEVICE_DELETED' && e.data?.device === ids.deviceId, { timeoutMs });
  deleted.catch(() => {});
  await qmp.execute('device_del', { id: ids.deviceId });
  await deleted;
  await qmp.execute('blockdev-del', { 'node-name': ids.formatNode });
}

const disk = (d: Partial<Disk> & { path: string }): Disk => definitionSchema.parse({ ...testDefinition(), disks: [d] }).disks[0]!;

describeOnHost(['qemu'], 'disks on real QEMU', () => {
  let t: TestDir;
  let g: TestGuest | undefined;
  beforeEach(() => {
    t = newTestDir();
    g = undefined;
  });
  afterEach(async () => {
    await stopTestGuest(t, g);
    t.remove();
  });

  const image = (name: string) => {
    const p = join(t.dir, name);
    copyFileSync(t.bootImage, p);
    truncateSync(p, 1024 * 1024);
    return p;
  };

  it('boots with disks on every bus, raw and qcow2, read-only honoured, the first one bootable', async () => {
    const qcow = join(t.dir, 'q.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', qcow, '1M']);
    const disks = [
      { path: t.bootImage, bus: 'ide' as const },
      { path: image('v.img'), bus: 'virtio' as const, readonly: true },
      { path: image('s.img'), bus: 'scsi' as const },
      { path: qcow, bus: 'ide' as const, format: 'qcow2' as const },
      { path: image('i2.img'), bus: 'ide' as const },
    ];
    g = await startTestGuest(t, { definition: testDefinition({ disks }) });
    await g.qmp.execute('cont');
    const blocks = await g.qmp.execute<BlockInfo[]>('query-block');
    const byFile = new Map(blocks.map((b) => [b.inserted?.file, b]));
    for (const d of disks) {
      const b = byFile.get(d.path);
      expect(b?.qdev).toContain(diskIds(d.path).deviceId);
      expect(b?.inserted?.ro).toBe(d.path.endsWith('v.img'));
      expect(b?.inserted?.drv).toBe(d.format ?? 'raw');
    }
    // The guest is running the boot sector (halt): the BIOS found the first disk.
    expect(await g.qmp.execute('query-status')).toMatchObject({ status: 'running' });
  });

  const nodeNames = async (qmp: QmpClient) =>
    (await qmp.execute<{ 'node-name': string }[]>('query-named-block-nodes', { flat: true })).map((n) => n['node-name']);

  it('SCSI hot-plug and hot-unplug complete without the guest; no node is left after detach', async () => {
    expect(BUS_HOTPLUG.scsi).toMatchObject({ attach: true, detachWithoutGuest: true });
    g = await startTestGuest(t);
    await g.qmp.execute('cont');
    const d = disk({ path: image('hot, "scsi".img'), bus: 'scsi' });
    const ids = diskIds(d.path);
    await attach(g.qmp, d);
    const blocks = await g.qmp.execute<BlockInfo[]>('query-block');
    expect(blocks.find((b) => b.inserted?.file === d.path)?.qdev).toContain(ids.deviceId);

    await detach(g.qmp, d, 30_000);
    expect(await nodeNames(g.qmp)).not.toContain(ids.formatNode);
    expect(await nodeNames(g.qmp)).not.toContain(ids.protocolNode);
    expect((await g.qmp.execute<BlockInfo[]>('query-block')).some((b) => b.inserted?.file === d.path)).toBe(false);
    // Attach again: the same ids are free again.
    await attach(g.qmp, d);
    await detach(g.qmp, d, 30_000);
  });

  it('virtio-blk hot-plugs, but without a guest OS its unplug never completes and the disk stays', async () => {
    expect(BUS_HOTPLUG.virtio).toMatchObject({ attach: true, detachWithoutGuest: false });
    g = await startTestGuest(t);
    await g.qmp.execute('cont');
    const d = disk({ path: image('hot-virtio.img'), bus: 'virtio' });
    await attach(g.qmp, d);
    // A behaviour window, not a speed check: SCSI's unplug completes at once; this one never does without guest ACPI.
    const e = await caught(detach(g.qmp, d, 3000));
    expect(isQmpError(e, 'timeout')).toBe(true);
    expect((await g.qmp.execute<BlockInfo[]>('query-block')).some((b) => b.inserted?.file === d.path)).toBe(true);
    // The node is still in use by the device QEMU has not released.
    expect(isQmpError(await caught(g.qmp.execute('blockdev-del', { 'node-name': diskIds(d.path).formatNode })), 'command')).toBe(true);
  });

  it("IDE cannot be hot-plugged: QEMU refuses device_add on the pc machine's IDE buses", async () => {
    expect(BUS_HOTPLUG.ide.attach).toBe(false);
    g = await startTestGuest(t);
    await g.qmp.execute('cont');
    const d = disk({ path: image('hot-ide.img'), bus: 'ide' });
    await g.qmp.execute('blockdev-add', blockdevArgs(d, 'file'));
    const refused = await caught(g.qmp.execute('device_add', deviceArgs(d, { ideIndex: 3 })));
    expect(refused).toMatchObject({ failure: 'command', desc: "Bus 'ide.1' does not support hotplugging" });
    await g.qmp.execute('blockdev-del', { 'node-name': diskIds(d.path).formatNode });
    expect(await nodeNames(g.qmp)).not.toContain(diskIds(d.path).formatNode);
  });

  it('a device QEMU refuses leaves a node that blockdev-del of the format node removes whole', async () => {
    g = await startTestGuest(t);
    await g.qmp.execute('cont');
    // A second name for the boot image, which the running guest holds open for writing: QEMU refuses the lock.
    const alias = join(t.dir, 'alias.img');
    linkSync(t.bootImage, alias);
    const d = disk({ path: alias, bus: 'scsi' });
    const e = await caught(attach(g.qmp, d));
    expect(e).toMatchObject({ failure: 'command', command: 'device_add' });
    expect((e as Error).message).toMatch(/lock/);
    expect(await nodeNames(g.qmp)).not.toContain(diskIds(alias).formatNode);
  });

  it('device_del of a disk that is not attached is DeviceNotFound', async () => {
    g = await startTestGuest(t);
    const e = await caught(g.qmp.execute('device_del', { id: diskIds('/nowhere.img').deviceId }));
    expect(e).toMatchObject({ failure: 'command', errorClass: 'DeviceNotFound' });
  });
});

describeOnHost(['root', 'qemu', 'loop'], 'a block-device disk on real QEMU', () => {
  let t: TestDir;
  let g: TestGuest | undefined;
  let loop: string | undefined;
  beforeEach(() => {
    t = newTestDir();
    g = undefined;
    loop = undefined;
  });
  afterEach(async () => {
    await stopTestGuest(t, g);
    if (loop) execFileSync('losetup', ['-d', loop]);
    t.remove();
  });

  const loopOver = (sizeMiB: number) => {
    const backing = join(t.dir, 'backing.img');
    copyFileSync(t.bootImage, backing);
    truncateSync(backing, sizeMiB * 1024 * 1024);
    loop = execFileSync('losetup', ['-f', '--show', backing], { encoding: 'utf8' }).trim();
    return { loop, backing };
  };
  type NodeInfo = { 'node-name': string; drv: string; file: string };

  it('is detected as a block device and boots through host_device', async () => {
    const { loop, backing } = loopOver(4);
    expect(await blockDevicePaths([disk({ path: loop }), disk({ path: backing })])).toEqual(new Set([loop]));
    g = await startTestGuest(t, { definition: testDefinition({ disks: [{ path: loop }] }), blockDevices: new Set([loop]) });
    await g.qmp.execute('cont');
    const nodes = await g.qmp.execute<NodeInfo[]>('query-named-block-nodes', { flat: true });
    expect(nodes.find((n) => n['node-name'] === diskIds(loop).protocolNode)).toMatchObject({ drv: 'host_device', file: loop });
    expect(await g.qmp.execute('query-status')).toMatchObject({ status: 'running' });
  });

  it('hot-plugs on SCSI through host_device, the guest sees it, and it detaches without the guest', async () => {
    const { loop } = loopOver(4);
    g = await startTestGuest(t);
    await g.qmp.execute('cont');
    const d = disk({ path: loop, bus: 'scsi' });
    const ids = diskIds(loop);
    await attach(g.qmp, d, 'host_device');
    const blocks = await g.qmp.execute<BlockInfo[]>('query-block');
    expect(blocks.find((b) => b.inserted?.file === loop)).toMatchObject({ qdev: expect.stringContaining(ids.deviceId) });
    const nodes = await g.qmp.execute<NodeInfo[]>('query-named-block-nodes', { flat: true });
    expect(nodes.find((n) => n['node-name'] === ids.protocolNode)?.drv).toBe('host_device');
    await detach(g.qmp, d, 30_000);
    const after = await g.qmp.execute<BlockInfo[]>('query-block');
    expect(after.some((b) => b.inserted?.file === loop)).toBe(false);
  });

  it('a plain file given as host_device is refused by QEMU in its own words', async () => {
    const e = await caught(startTestGuest(t, { definition: testDefinition({ disks: [{ path: t.bootImage }] }), blockDevices: new Set([t.bootImage]) }));
    expect((e as Error).message).toMatch(/host_device.*requires .*to be either a character or block device/);
  });
});
