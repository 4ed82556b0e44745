// Guest lifecycle on this host's real cgroups with real QEMU (TCG) running boot-sector guests.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { VmState } from '../../../shared';
import { describeOnHost } from '../../../testing/describe-on-host';
import { startEngineHarness, type EngineHarness } from '../../../testing/engine';
import { writeHangingQemu } from '../../../testing/hanging-qemu';
import { partitionLeftovers } from '../../../testing/partition';

const CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices'];
const openFds = () => readdirSync('/proc/self/fd').length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Processes on this host whose command line carries this uuid (QEMU gets it as -uuid). */
function processesWithUuid(uuid: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').includes(uuid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

let t: EngineHarness;
const states: { name: string; state: VmState; reason?: string | undefined }[] = [];

async function expectNothingLeft(name: string) {
  const vm = await t.engine.vmGet({ name: name });
  expect(['shutoff', 'crashed']).toContain(vm.state);
  for (const c of CONTROLLERS) expect(existsSync(join('/sys/fs/cgroup', c, t.dirs.partition, 'qemu', name))).toBe(false);
  expect(readdirSync(t.dirs.runtimeDir).filter((f) => f !== 'engine.lock')).toEqual([]);
  expect(processesWithUuid(vm.definition.uuid)).toEqual([]);
}

describeOnHost(['root', 'cgroupV1', 'qemu'], 'guest lifecycle (real cgroups, real QEMU)', () => {
  beforeAll(async () => {
    t = await startEngineHarness();
    t.engine.on('vm:state', (s) => states.push(s));
  });
  afterAll(async () => {
    await t?.teardown();
    expect(partitionLeftovers(t.dirs.partition)).toEqual([]);
  });

  it('starts a spin guest confined before its first instruction: in its group everywhere, shares and ACL applied', async () => {
    const seen: { controllers: string; status: string }[] = [];
    const t2 = await startEngineHarness({
      beforeCont: async ({ pid }) => {
        // QEMU is stopped by -S here: no guest instruction has run yet.
        const proc = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
        seen.push({ controllers: proc, status: readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2]! });
      },
    });
    try {
      await t2.engine.vmDefine(t2.guest('spin', 'spin', { cpu: { shares: 2048 }, devices: { omitDefaults: ['/dev/urandom'] } }));
      const vm = await t2.engine.vmStart({ name: 'spin' });
      expect(vm.state).toBe('running');
      expect(seen).toHaveLength(1);
      for (const c of CONTROLLERS) expect(seen[0]!.controllers).toMatch(new RegExp(`^\\d+:${c}:${t2.dirs.partition}/qemu/spin$`, 'm'));
      const dir = (c: string) => join('/sys/fs/cgroup', c, t2.dirs.partition, 'qemu', 'spin');
      expect(readFileSync(join(dir('cpu'), 'cgroup.procs'), 'utf8').trim()).toBe(String(vm.pid));
      expect(readFileSync(join(dir('cpu'), 'cpu.shares'), 'utf8').trim()).toBe('2048');
      const acl = readFileSync(join(dir('devices'), 'devices.list'), 'utf8');
      expect(acl).toContain('c 1:3 rw'); // /dev/null
      expect(acl).toContain('c 136:* rw');
      expect(acl).not.toContain('c 1:9 '); // /dev/urandom omitted
      expect(acl).not.toContain('a *:*');
      expect(await t2.qmpQuery<{ status: string }>('spin', 'query-status')).toMatchObject({ status: 'running' });
      expect(vm.cgroups).toMatchObject({ cpu: `${t2.dirs.partition}/qemu/spin` });
      // it really burns a CPU inside its group
      await sleep(500);
      expect(Number(readFileSync(join(dir('cpuacct'), 'cpuacct.usage'), 'utf8'))).toBeGreaterThan(100_000_000);
    } finally {
      await t2.teardown();
    }
  });

  it('pauses and resumes, refusing what the state does not allow', async () => {
    await t.engine.vmDefine(t.guest('pr'));
    await expect(t.engine.vmPause({ name: 'pr' })).rejects.toMatchObject({ code: 'OPERATION_INVALID', message: "cannot pause guest 'pr': it is shutoff" });
    await t.engine.vmStart({ name: 'pr' });
    await expect(t.engine.vmStart({ name: 'pr' })).rejects.toMatchObject({ code: 'OPERATION_INVALID' });
    expect((await t.engine.vmPause({ name: 'pr' })).state).toBe('paused');
    expect(await t.qmpQuery<{ status: string }>('pr', 'query-status')).toMatchObject({ status: 'paused' });
    await expect(t.engine.vmPause({ name: 'pr' })).rejects.toThrow(/it is paused/);
    expect((await t.engine.vmResume({ name: 'pr' })).state).toBe('running');
    await t.engine.vmReboot({ name: 'pr' });
    expect((await t.engine.vmDestroy({ name: 'pr' })).state).toBe('shutoff');
    await expectNothingLeft('pr');
  });

  it('ACPI shutdown of a guest that ignores it leaves it running; force off then ends it', async () => {
    await t.engine.vmDefine(t.guest('deaf'));
    await t.engine.vmStart({ name: 'deaf' });
    expect((await t.engine.vmShutdown({ name: 'deaf' })).state).toBe('running');
    await sleep(1000);
    expect((await t.engine.vmGet({ name: 'deaf' })).state).toBe('running');
    const vm = await t.engine.vmDestroy({ name: 'deaf' });
    expect(vm).toMatchObject({ state: 'shutoff', reason: 'forced off' });
    await expectNothingLeft('deaf');
  });

  it('a QEMU killed from outside is crashed, with the reason, and cleaned up without a zombie', async () => {
    await t.engine.vmDefine(t.guest('victim'));
    const { pid } = await t.engine.vmStart({ name: 'victim' });
    process.kill(pid!, 'SIGKILL');
    for (let i = 0; i < 100 && (await t.engine.vmGet({ name: 'victim' })).state !== 'crashed'; i++) await sleep(50);
    const vm = await t.engine.vmGet({ name: 'victim' });
    expect(vm.state).toBe('crashed');
    expect(vm.reason).toMatch(/killed by SIGKILL/);
    await expectNothingLeft('victim');
    expect(existsSync(`/proc/${pid}`)).toBe(false); // reaped, not a zombie
    expect(states.filter((s) => s.name === 'victim').map((s) => s.state)).toEqual(['starting', 'running', 'crashed']);
  });

  it('a disk path with a comma, a quote and spaces is a plain file name', async () => {
    const path = t.image('halt', `my disk, "v1",file=x.img`);
    await t.engine.vmDefine(t.guest('odd', 'halt', { disks: [{ path }] }));
    await t.engine.vmStart({ name: 'odd' });
    const block = await t.qmpQuery<{ inserted?: { file: string } }[]>('odd', 'query-block');
    expect(block.map((b) => b.inserted?.file)).toContain(path);
    await t.engine.vmDestroy({ name: 'odd' });
    await expectNothingLeft('odd');
  });

  it.each([
    ['missing QEMU binary', { qemuBinary: '/nonexistent/qemu-system-x86_64' }, 'find QEMU', /QEMU binary .* does not exist/],
    // Checked at define, but deleted before the start: QEMU cannot open it.
    ['disk gone since define', { diskGone: true }, 'QMP ready', /Could not open '.*gone\.img'/],
    ['invalid QEMU option', { badOption: true }, 'QMP ready', /-no-such-option/],
  ])('a start that fails (%s) names the step and leaves nothing: no group, process, runtime file or fd', async (_what, how, step, words) => {
    let qemuBinary: string | undefined;
    if ('qemuBinary' in how) qemuBinary = how.qemuBinary;
    if ('badOption' in how) {
      // A QEMU that answers --version but is started with an option it does not know.
      qemuBinary = join(t.dirs.root, 'qemu-bad');
      writeFileSync(qemuBinary, '#!/bin/sh\n[ "$1" = --version ] && exec qemu-system-x86_64 --version\nexec qemu-system-x86_64 -no-such-option "$@"\n');
      chmodSync(qemuBinary, 0o755);
    }
    const t2 = await startEngineHarness({ qemuBinary });
    try {
      const gone = join(t2.dirs.root, 'gone.img');
      if ('diskGone' in how) writeFileSync(gone, Buffer.alloc(1 << 20));
      const def = 'diskGone' in how ? t2.guest('fails', 'halt', { disks: [{ path: gone }] }) : t2.guest('fails');
      const { uuid } = (await t2.engine.vmDefine(def)).definition;
      if ('diskGone' in how) rmSync(gone);
      const fdsBefore = openFds();
      const err = await t2.engine.vmStart({ name: 'fails' }).catch((e: Error & { code: string }) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toContain(`step '${step}'`);
      expect((err as Error).message).toMatch(words);
      expect(openFds()).toBe(fdsBefore);
      const vm = await t2.engine.vmGet({ name: 'fails' });
      expect(vm.state).toBe('shutoff');
      expect(vm.reason).toContain(`step '${step}'`);
      expect(partitionLeftovers(`${t2.dirs.partition}/qemu/fails`)).toEqual([]);
      expect(readdirSync(t2.dirs.runtimeDir).filter((f) => f !== 'engine.lock')).toEqual([]);
      expect(processesWithUuid(uuid)).toEqual([]);
      expect((await t2.engine.vmLog({ name: 'fails', lines: 20 })).lines.join('\n')).toContain('failed');
    } finally {
      await t2.teardown();
    }
  });

  it('force off stops a start that hangs before QMP answers (a QEMU stopped with SIGSTOP), and leaves nothing', async () => {
    const t2 = await startEngineHarness({ qemuBinary: writeHangingQemu(t.dirs.root) });
    try {
      const { uuid } = (await t2.engine.vmDefine(t2.guest('hang-1'))).definition;
      const start = t2.engine.vmStart({ name: 'hang-1' }).catch((e: Error) => e);
      // Stuck: the stand-in sits stopped in the guest's group, the start waits for a monitor that never answers.
      const stateOf = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      let pid: number | undefined;
      for (let i = 0; i < 200 && !(pid !== undefined && stateOf(pid) === 'T'); i++) {
        await sleep(25);
        pid = processesWithUuid(uuid)[0];
      }
      expect(pid).toBeDefined();
      expect(stateOf(pid!)).toBe('T'); // stopped
      expect((await t2.engine.vmGet({ name: 'hang-1' })).state).toBe('starting');

      const after = await t2.engine.vmDestroy({ name: 'hang-1' });
      expect(after).toMatchObject({ state: 'shutoff', reason: 'forced off while starting' });
      expect(((await start) as Error).message).toMatch(/forced off while it started/);
      expect(processesWithUuid(uuid)).toEqual([]);
      expect(partitionLeftovers(`${t2.dirs.partition}/qemu/hang-1`)).toEqual([]);
      expect(readdirSync(t2.dirs.runtimeDir).filter((f) => f !== 'engine.lock')).toEqual([]);
      // And it starts again afterwards, with the real QEMU behind the same stand-in.
      await t2.engine.vmDefine(t2.guest('fine'));
      expect((await t2.engine.vmStart({ name: 'fine' })).state).toBe('running');
    } finally {
      await t2.teardown();
    }
  });

  it('a definition names only disks that exist, are files or block devices, and can be opened; the error names the field', async () => {
    const dir = join(t.dirs.root, 'not-a-disk');
    mkdirSync(dir, { recursive: true });
    const refusal = (path: string, more = {}) =>
      t.engine.vmDefine(t.guest('paths', 'halt', { disks: [{ path, ...more }] })).catch((e: Error & { code: string }) => e);
    expect(await refusal('/nonexistent/disk.img')).toMatchObject({ code: 'INVALID_ARG', message: "disks[0].path '/nonexistent/disk.img' does not exist" });
    expect(await refusal(dir)).toMatchObject({ code: 'INVALID_ARG', message: expect.stringMatching(/^disks\[0\]\.path '.*not-a-disk' is a directory/) });
    expect(await refusal('/dev/null')).toMatchObject({ message: expect.stringMatching(/neither a file nor a block device/) });
    await expect(t.engine.vmGet({ name: 'paths' })).rejects.toMatchObject({ code: 'NO_DOMAIN' });
  });

  it('vm:create makes the new image and the guest as one step: a refused definition leaves no image', async () => {
    const images = join(t.dirs.configDir, 'images');
    const created = await t.engine.vmCreate({
      definition: t.guest('made', 'halt', { disks: [] }),
      newDisk: { fileName: 'made.qcow2', format: 'qcow2', sizeMiB: 8, bus: 'virtio' },
    });
    expect(created.definition.disks).toEqual([{ path: join(images, 'made.qcow2'), format: 'qcow2', readonly: false, bus: 'virtio' }]);
    expect(existsSync(join(images, 'made.qcow2'))).toBe(true);
    // The same name again: refused before any image is made.
    await expect(
      t.engine.vmCreate({
        definition: t.guest('made', 'halt', { disks: [] }),
        newDisk: { fileName: 'other.qcow2', format: 'qcow2', sizeMiB: 8, bus: 'virtio' },
      }),
    ).rejects.toMatchObject({ code: 'OPERATION_INVALID' });
    expect(existsSync(join(images, 'other.qcow2'))).toBe(false);
    // A definition refused after the image was made (an extra node that does not exist): the image goes again.
    const refused = t.guest('half', 'halt', { disks: [], devices: { extra: ['/dev/cgvirt-no-such-node'], omitDefaults: [] } });
    await expect(
      t.engine.vmCreate({ definition: refused, newDisk: { fileName: 'half.qcow2', format: 'qcow2', sizeMiB: 8, bus: 'virtio' } }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARG',
    });
    expect(existsSync(join(images, 'half.qcow2'))).toBe(false);
    await expect(t.engine.vmGet({ name: 'half' })).rejects.toMatchObject({ code: 'NO_DOMAIN' });
  });

  it('deleting a guest with its images takes only what cgvirt made: files directly in its images directory', async () => {
    const images = join(t.dirs.configDir, 'images');
    const outside = t.image('halt', 'outside.img');
    const lure = join(images, 'lure.img'); // a link in the images directory to a file outside it
    symlinkSync(outside, lure);
    const made = await t.engine.vmCreate({
      definition: t.guest('doomed', 'halt', { disks: [{ path: outside }, { path: lure }] }),
      newDisk: { fileName: 'doomed.qcow2', format: 'qcow2', sizeMiB: 8, bus: 'virtio' },
    });
    expect(made.definition.disks).toHaveLength(3);
    const own = realpathSync(join(images, 'doomed.qcow2'));
    const gone = await t.engine.vmUndefine({ name: 'doomed', deleteImages: true });
    expect(gone).toEqual({ name: 'doomed', deletedImages: [own] });
    expect(existsSync(join(images, 'doomed.qcow2'))).toBe(false);
    expect(existsSync(outside)).toBe(true);
    expect(existsSync(lure)).toBe(true);
    // Without asking, nothing is deleted.
    await t.engine.vmCreate({
      definition: t.guest('kept', 'halt', { disks: [] }),
      newDisk: { fileName: 'kept.qcow2', format: 'qcow2', sizeMiB: 8, bus: 'virtio' },
    });
    expect(await t.engine.vmUndefine({ name: 'kept' })).toEqual({ name: 'kept', deletedImages: [] });
    expect(existsSync(join(images, 'kept.qcow2'))).toBe(true);
  });

  it('50 start/destroy cycles leave no cgroup directory, fd or process behind', async () => {
    const { uuid } = (await t.engine.vmDefine(t.guest('cycle'))).definition;
    const fdsBefore = openFds();
    for (let i = 0; i < 50; i++) {
      await t.engine.vmStart({ name: 'cycle' });
      await t.engine.vmDestroy({ name: 'cycle' });
    }
    expect(openFds()).toBe(fdsBefore);
    await expectNothingLeft('cycle');
    expect(processesWithUuid(uuid)).toEqual([]);
  }, 600_000);

  it('reports stats for running guests, one tick for all', async () => {
    await t.engine.vmDefine(t.guest('busy', 'spin'));
    await t.engine.vmStart({ name: 'busy' });
    const ticks: { guests: { name: string; cpuPercent: number; memoryBytes: number }[] }[] = [];
    const off = t.engine.on('stats:tick', (s) => ticks.push(s));
    for (let i = 0; i < 60 && ticks.length < 3; i++) await sleep(100);
    off();
    const busy = ticks.at(-1)!.guests.find((g) => g.name === 'busy')!;
    expect(busy.cpuPercent).toBeGreaterThan(10); // a halted guest idles near 0.5%; a spinning one gets what the two cores spare
    expect(busy.memoryBytes).toBeGreaterThan(0);
    await t.engine.vmDestroy({ name: 'busy' });
  });

  it('starts the guests marked autostart when an engine starts', async () => {
    const first = await startEngineHarness();
    await first.engine.vmDefine(first.guest('auto', 'halt', { autostart: true }));
    await first.engine.vmDefine(first.guest('manual'));
    await first.engine.close();
    const second = await startEngineHarness({ autostart: true }, first.dirs);
    try {
      expect((await second.engine.vmGet({ name: 'auto' })).state).toBe('running');
      expect((await second.engine.vmGet({ name: 'manual' })).state).toBe('shutoff');
    } finally {
      await second.teardown();
    }
  });

  it('undefine refuses while running, then removes the definition', async () => {
    await t.engine.vmDefine(t.guest('gone'));
    await t.engine.vmStart({ name: 'gone' });
    await expect(t.engine.vmUndefine({ name: 'gone' })).rejects.toThrow("guest 'gone' is running; shut it down before deleting it");
    await t.engine.vmDestroy({ name: 'gone' });
    await t.engine.vmUndefine({ name: 'gone' });
    await expect(t.engine.vmGet({ name: 'gone' })).rejects.toMatchObject({ code: 'NO_DOMAIN' });
  });
});
