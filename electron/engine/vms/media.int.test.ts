// CD-ROM media on the real engine with real QEMU: insert and eject on a running guest (what QEMU's query-block says
// and what the definition keeps), on a shut-off guest (the definition only), and a tray the guest itself locked (the
// lockcd boot sector sends the ATAPI command an OS sends while it uses a disc).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnHost } from '../../../testing/describe-on-host';
import { startEngineHarness, type EngineHarness } from '../../../testing/engine';

let t: EngineHarness;
let iso = '';
let other = '';

interface BlockInfo {
  qdev?: string;
  locked?: boolean;
  tray_open?: boolean;
  inserted?: { file: string; ro: boolean; drv: string };
}
const drive = async (name: string, qdev = 'cdrom0') => (await t.qmpQuery<BlockInfo[]>(name, 'query-block')).find((b) => b.qdev === qdev);
const saved = async (name: string) => (await t.engine.vmGet({ name })).definition.cdroms;
const trail = async (name: string) => (await t.engine.vmLog({ name, lines: 200 })).lines.join('\n');

describeOnHost(['root', 'cgroupV1', 'qemu'], 'CD-ROM media (real QEMU)', () => {
  beforeAll(async () => {
    t = await startEngineHarness();
    iso = join(t.dirs.root, 'disc.iso');
    other = join(t.dirs.root, 'other.iso');
    writeFileSync(iso, Buffer.alloc(2048 * 16));
    writeFileSync(other, Buffer.alloc(2048 * 16, 1));
    await t.engine.vmDefine(t.guest('cd', 'halt', { accel: 'tcg', cdroms: [{}] }));
    await t.engine.vmStart({ name: 'cd' });
  });
  afterAll(async () => {
    await t?.teardown();
  });

  it('inserts into an empty drive of a running guest: QEMU has the medium, read-only raw, and the definition keeps it', async () => {
    expect((await drive('cd'))?.inserted).toBeUndefined();
    const vm = await t.engine.vmMedia({ name: 'cd', drive: 0, path: iso });
    expect((await drive('cd'))?.inserted).toMatchObject({ file: iso, ro: true, drv: 'raw' });
    expect(vm.definition.cdroms).toEqual([{ path: iso }]);
    expect(await saved('cd')).toEqual([{ path: iso }]);
    expect(vm.pending).toBeUndefined(); // live and saved agree
    await expect.poll(() => trail('cd')).toContain(`CD-ROM drive 0: ${iso} inserted, in effect now and saved`);
  });

  it('swaps one disc for another, then ejects', async () => {
    await t.engine.vmMedia({ name: 'cd', drive: 0, path: other });
    expect((await drive('cd'))?.inserted?.file).toBe(other);
    const vm = await t.engine.vmMedia({ name: 'cd', drive: 0 });
    expect((await drive('cd'))?.inserted).toBeUndefined();
    expect(vm.definition.cdroms).toEqual([{}]);
    await expect.poll(() => trail('cd')).toContain('CD-ROM drive 0: medium ejected, in effect now and saved');
  });

  it('refuses a drive that does not exist and a path that is not a readable file, changing nothing', async () => {
    await expect(t.engine.vmMedia({ name: 'cd', drive: 2, path: iso })).rejects.toMatchObject({
      code: 'INVALID_ARG',
      message: "drive 2 does not exist: guest 'cd' has 1 CD-ROM drive",
    });
    await expect(t.engine.vmMedia({ name: 'cd', drive: 0, path: join(t.dirs.root, 'nowhere.iso') })).rejects.toMatchObject({
      code: 'INVALID_ARG',
      message: expect.stringMatching(/^path '.*nowhere\.iso' does not exist$/),
    });
    await expect(t.engine.vmMedia({ name: 'cd', drive: 0, path: t.dirs.root })).rejects.toThrow(/is a directory: it must be a regular file/);
    expect((await drive('cd'))?.inserted).toBeUndefined();
    expect(await saved('cd')).toEqual([{}]);
  });

  it('on a shut-off guest only the definition changes', async () => {
    await t.engine.vmDefine(t.guest('off', 'halt', { cdroms: [{}, {}] }));
    const vm = await t.engine.vmMedia({ name: 'off', drive: 1, path: iso });
    expect(vm.state).toBe('shutoff');
    expect(vm.definition.cdroms).toEqual([{}, { path: iso }]);
    await expect.poll(() => trail('off')).toContain(`CD-ROM drive 1: ${iso} inserted, saved for the next start`);
  });

  it('a tray the guest locked: no eject or swap without force (nothing saved), and force ejects', async () => {
    await t.engine.vmDefine(t.guest('locker', 'lockcd', { accel: 'tcg', cdroms: [{ path: iso }] }));
    await t.engine.vmStart({ name: 'locker' });
    await expect.poll(async () => (await drive('locker'))?.locked, { timeout: 20_000 }).toBe(true);

    const refusal = {
      code: 'OPERATION_INVALID',
      message:
        "guest 'locker' has locked CD-ROM drive 0 (its operating system holds the tray shut) and was asked to release it; " +
        'eject the disc from inside the guest, or use force to eject it anyway',
    };
    await expect(t.engine.vmMedia({ name: 'locker', drive: 0 })).rejects.toMatchObject(refusal);
    await expect(t.engine.vmMedia({ name: 'locker', drive: 0, path: other })).rejects.toMatchObject(refusal);
    expect((await drive('locker'))?.inserted?.file).toBe(iso);
    expect(await saved('locker')).toEqual([{ path: iso }]);

    const vm = await t.engine.vmMedia({ name: 'locker', drive: 0, force: true });
    expect((await drive('locker'))?.inserted).toBeUndefined();
    expect(vm.definition.cdroms).toEqual([{}]);
    await expect.poll(() => trail('locker')).toContain('CD-ROM drive 0: medium ejected (forced), in effect now and saved');
  });
});
