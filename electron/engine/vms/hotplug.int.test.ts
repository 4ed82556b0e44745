// Disk hot-plug on a running guest, with a real loop device: the ACL gains the node on attach and loses it on detach,
// and QEMU (query-block) sees the disk come and go.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnHost } from '../../../testing/describe-on-host';
import { startEngineHarness, type EngineHarness } from '../../../testing/engine';
import { splitDev } from '../host/devnum';

let t: EngineHarness;
let loop = '';
let rule = '';

const devicesList = () => readFileSync(join('/sys/fs/cgroup/devices', t.dirs.partition, 'qemu', 'hp', 'devices.list'), 'utf8');
const blockFiles = async () =>
  (await t.qmpQuery<{ inserted?: { file: string } }[]>('hp', 'query-block')).flatMap((b) => (b.inserted ? [b.inserted.file] : []));

describeOnHost(['root', 'cgroupV1', 'qemu', 'loop'], 'disk hot-plug (real QEMU, real loop device)', () => {
  beforeAll(async () => {
    t = await startEngineHarness();
    const backing = join(t.dirs.root, 'loop-backing.img');
    writeFileSync(backing, '');
    truncateSync(backing, 16 * 1024 * 1024);
    loop = execFileSync('losetup', ['-f', '--show', backing], { encoding: 'utf8' }).trim();
    const { major, minor } = splitDev(statSync(loop).rdev);
    rule = `b ${major}:${minor} rw`;
    await t.engine.vmDefine(t.guest('hp'));
    await t.engine.vmStart({ name: 'hp' });
  });
  afterAll(async () => {
    await t?.teardown();
    if (loop) execFileSync('losetup', ['-d', loop]);
  });

  it('attaching a block device allows its node first, and the guest sees the disk', async () => {
    expect(devicesList()).not.toContain(rule);
    const vm = await t.engine.vmAttachDisk({ name: 'hp', disk: { path: loop, format: 'raw', readonly: false, bus: 'scsi' }, flags: { live: true } });
    expect(devicesList()).toContain(rule);
    expect(await blockFiles()).toContain(loop);
    expect(vm.definition.disks.map((d) => d.path)).not.toContain(loop); // live only
    expect(vm.pending).toContain('disks');
    expect(vm.liveDisks?.map((d) => d.path)).toContain(loop); // what QEMU has, for the window to show
    const entry = (await t.engine.devicesGet({ name: 'hp' })).find((e) => e.path === loop);
    expect(entry).toMatchObject({ source: 'disk', live: true, config: false });
  });

  it('detaching waits for the device to go, removes it, and denies the node again', async () => {
    await t.engine.vmDetachDisk({ name: 'hp', path: loop, flags: { live: true } });
    expect(await blockFiles()).not.toContain(loop);
    expect(devicesList()).not.toContain(rule);
    expect((await t.engine.vmGet({ name: 'hp' })).pending).toBeUndefined();
    // The Log tab's trail says what was done, and where.
    const trail = async () => (await t.engine.vmLog({ name: 'hp', lines: 200 })).lines.join('\n');
    await expect.poll(trail).toContain(`disk ${loop} attached (scsi), in effect now, not saved`);
    await expect.poll(trail).toContain(`disk ${loop} detached from the running guest`);
  });

  it('live and config together: the definition keeps the disk', async () => {
    const vm = await t.engine.vmAttachDisk({
      name: 'hp',
      disk: { path: loop, format: 'raw', readonly: true, bus: 'scsi' },
      flags: { live: true, config: true },
    });
    expect(vm.definition.disks.map((d) => d.path)).toContain(loop);
    expect(devicesList()).toContain(rule.replace(' rw', ' r'));
    await t.engine.vmDetachDisk({ name: 'hp', path: loop, flags: { live: true, config: true } });
    expect((await t.engine.vmGet({ name: 'hp' })).definition.disks.map((d) => d.path)).not.toContain(loop);
    expect(devicesList()).not.toContain(rule.replace(' rw', ' r'));
  });

  it('refuses what cannot work, saying why', async () => {
    await expect(
      t.engine.vmAttachDisk({ name: 'hp', disk: { path: loop, format: 'raw', readonly: false, bus: 'ide' }, flags: { live: true } }),
    ).rejects.toMatchObject({
      code: 'OPERATION_INVALID',
      message: expect.stringMatching(/bus 'ide' cannot be attached to a running guest/),
    });
    await expect(t.engine.vmDetachDisk({ name: 'hp', path: '/nowhere.img', flags: { live: true } })).rejects.toThrow(
      /is not attached to running guest 'hp'/,
    );
    await t.engine.vmDefine(t.guest('off'));
    await expect(
      t.engine.vmAttachDisk({ name: 'off', disk: { path: loop, format: 'raw', readonly: false, bus: 'scsi' }, flags: { live: true } }),
    ).rejects.toThrow(/it is shut off; use flags \{config: true\}/);
    expect(devicesList()).not.toContain(rule);
  });
});
