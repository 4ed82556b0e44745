// Scheduler parameters, the device ACL and definition updates on running and shut-off guests: live, config, or both,
// checked in the cgroup files on disk.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnHost } from '../../../testing/describe-on-host';
import { startEngineHarness, type EngineHarness } from '../../../testing/engine';

let t: EngineHarness;
const file = (guest: string, controller: string, name: string) =>
  readFileSync(join('/sys/fs/cgroup', controller, t.dirs.partition, 'qemu', guest, name), 'utf8').trim();
const shares = (v: number) => ({ field: 'cpu_shares' as const, type: 'ullong' as const, value: v });

describeOnHost(['root', 'cgroupV1', 'qemu'], 'tuning guests (real cgroups, real QEMU)', () => {
  beforeAll(async () => {
    t = await startEngineHarness();
    await t.engine.vmDefine(t.guest('tune'));
    await t.engine.vmDefine(t.guest('cold'));
    await t.engine.vmStart({ name: 'tune' });
  });
  afterAll(async () => t?.teardown());

  it('sched: live sets cpu.shares, config keeps the definition, and get reads each back', async () => {
    await t.engine.schedSet({ name: 'tune', params: [shares(2048)], flags: { live: true } });
    expect(file('tune', 'cpu', 'cpu.shares')).toBe('2048');
    expect((await t.engine.schedGet({ name: 'tune', flags: { live: true } })).params).toContainEqual(shares(2048));
    expect((await t.engine.schedGet({ name: 'tune', flags: { config: true } })).params).toContainEqual(shares(1024));
    await t.engine.schedSet({
      name: 'tune',
      params: [shares(512), { field: 'cpu_quota', type: 'llong', value: 50000 }],
      flags: { live: true, config: true },
    });
    expect(file('tune', 'cpu', 'cpu.shares')).toBe('512');
    expect(file('tune', 'cpu', 'cpu.cfs_quota_us')).toBe('50000');
    expect((await t.engine.vmGet({ name: 'tune' })).definition.cpu).toMatchObject({ shares: 512, quotaUs: 50000 });
    await t.engine.schedSet({ name: 'tune', params: [{ field: 'cpu_quota', type: 'llong', value: -1 }], flags: { live: true, config: true } });
    expect(file('tune', 'cpu', 'cpu.cfs_quota_us')).toBe('-1');
    expect((await t.engine.vmGet({ name: 'tune' })).definition.cpu.quotaUs).toBeUndefined();
  });

  it('sched: live on a shut-off guest is OPERATION_INVALID, config works, the default scope follows the state', async () => {
    await expect(t.engine.schedSet({ name: 'cold', params: [shares(4096)], flags: { live: true } }).then((r) => r.params)).rejects.toMatchObject({
      code: 'OPERATION_INVALID',
    });
    expect((await t.engine.schedSet({ name: 'cold', params: [shares(4096)], flags: undefined })).params).toContainEqual(shares(4096));
    expect((await t.engine.vmGet({ name: 'cold' })).definition.cpu.shares).toBe(4096);
    await t.engine.vmStart({ name: 'cold' });
    expect(file('cold', 'cpu', 'cpu.shares')).toBe('4096');
    await t.engine.vmDestroy({ name: 'cold' });
  });

  it('history: the engine keeps the last ticks and every priority change, for a page that connects later', async () => {
    const before = (await t.engine.statsHistory({})).marks.filter((m) => m.name === 'tune').length;
    await t.engine.schedSet({ name: 'tune', params: [shares(3000)], flags: { live: true } });
    await t.engine.schedSet({ name: 'tune', params: [shares(3000)], flags: { live: true } }); // no change, no mark
    const marks = (await t.engine.statsHistory({})).marks.filter((m) => m.name === 'tune');
    expect(marks).toHaveLength(before + 1);
    expect(marks.at(-1)).toMatchObject({ shares: 3000, at: expect.closeTo(Date.now(), -4) });
    // The running guest's ticks: one a second (the harness's sampler), each with its CPU time.
    await new Promise((r) => setTimeout(r, 2200));
    const { ticks } = await t.engine.statsHistory({});
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks.at(-1)!.guests.map((g) => g.name)).toContain('tune');
    expect(ticks.map((k) => k.at)).toEqual([...ticks.map((k) => k.at)].sort((a, b) => a - b));
  });

  it('the guest’s log keeps a trail of what cgvirt changed: priority, cap, devices, settings', async () => {
    await t.engine.schedSet({ name: 'tune', params: [shares(1536)], flags: { live: true, config: true } });
    await t.engine.schedSet({ name: 'tune', params: [{ field: 'cpu_quota', type: 'llong', value: 25000 }], flags: { live: true } });
    await t.engine.devicesSet({ name: 'tune', extra: [], omitDefaults: ['/dev/full'], flags: { config: true } });
    await t.engine.devicesSet({ name: 'tune', extra: [], omitDefaults: [], flags: { config: true } });
    const trail = async () => (await t.engine.vmLog({ name: 'tune', lines: 200 })).lines.filter((l) => / cgvirt: /.test(l)).join('\n');
    await expect.poll(trail).toContain('priority 1.5× (1536 shares), in effect now and saved');
    const text = await trail();
    expect(text).toContain('CPU cap 25% of one CPU, in effect now, not saved');
    expect(text).toContain('device access: extra nodes none; defaults left out /dev/full; saved for the next start');
  });

  it('devices: omitting /dev/urandom live takes c 1:9 out of devices.list; the entry shows config but not live', async () => {
    const entries = await t.engine.devicesSet({ name: 'tune', ...{ omitDefaults: ['/dev/urandom'] }, flags: { live: true } });
    expect(file('tune', 'devices', 'devices.list')).not.toContain('c 1:9 ');
    expect(file('tune', 'devices', 'devices.list')).toContain('c 1:8 rw'); // /dev/random stays
    expect(entries.find((e) => e.path === '/dev/urandom')).toMatchObject({ source: 'default', live: false, config: true });
    await t.engine.devicesSet({ name: 'tune', ...{ omitDefaults: [] }, flags: { live: true } });
    expect(file('tune', 'devices', 'devices.list')).toContain('c 1:9 rw');
  });

  it('devices: an extra node is allowed live and kept in config; a non-device is refused', async () => {
    await t.engine.devicesSet({ name: 'tune', ...{ extra: ['/dev/loop-control'] }, flags: { live: true, config: true } });
    expect(file('tune', 'devices', 'devices.list')).toContain('c 10:237 rw');
    expect((await t.engine.vmGet({ name: 'tune' })).definition.devices.extra).toEqual(['/dev/loop-control']);
    await expect(t.engine.devicesSet({ name: 'tune', ...{ extra: ['/dev/shm'] }, flags: { live: true } })).rejects.toMatchObject({
      code: 'INVALID_ARG',
      message: expect.stringMatching(/not a character or block device/),
    });
    await t.engine.devicesSet({ name: 'tune', ...{ extra: [] }, flags: { live: true, config: true } });
    expect(file('tune', 'devices', 'devices.list')).not.toContain('c 10:237');
  });

  it('update: live where possible, the rest at next start, and says which', async () => {
    const def = (await t.engine.vmGet({ name: 'tune' })).definition;
    const r = await t.engine.vmUpdate({ ...def, memoryMiB: 48, memoryLimitMiB: 512, cpu: { ...def.cpu, shares: 3000 } });
    expect(r.live.sort()).toEqual(['cpu', 'memoryLimitMiB']);
    expect(r.nextStart).toEqual(['memoryMiB']);
    expect(r.info.pending).toEqual(['memoryMiB']);
    expect(file('tune', 'cpu', 'cpu.shares')).toBe('3000');
    expect(file('tune', 'memory', 'memory.limit_in_bytes')).toBe(String(512 * 1024 * 1024));
    await expect(t.engine.vmUpdate({ ...def, uuid: '00000000-0000-4000-8000-000000000000' })).rejects.toThrow(/uuid cannot change/);
  });
});
