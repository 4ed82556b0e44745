// Guests outlive the manager: kill the engine (SIGKILL, not its guests), start a new one on the same dirs, and it finds
// the running guests in their groups and can stop them. Also: a stale status file is cleaned, and one engine per dir.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnHost } from '../../../testing/describe-on-host';
import { newEngineDirs, startEngineHarness, type EngineHarness, type EngineHarnessDirs } from '../../../testing/engine';
import { writeBootImage } from '../../../testing/guests';
import { removeTestPartition } from '../../../testing/partition';

let dirs: EngineHarnessDirs;
let t: EngineHarness | undefined;
const engineChildren: ReturnType<typeof spawn>[] = [];

/** Starts the engine in a child process and returns a way to send it commands; it is ours to SIGKILL. */
async function engineProcess() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'testing/engine-process.ts'], {
    env: {
      ...process.env,
      CGVIRT_HOME: dirs.configDir,
      XDG_RUNTIME_DIR: dirs.runtimeDir.replace(/\/cgvirt$/, ''),
      CGVIRT_CGROUP_PARTITION: dirs.partition,
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  engineChildren.push(child);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value as string) as { ok?: boolean; value?: { pid?: number }; error?: string; ready?: number };
  await next(); // ready
  return {
    child,
    send: async (cmd: object) => {
      child.stdin.write(`${JSON.stringify(cmd)}\n`);
      const r = await next();
      if (!r.ok) throw new Error(r.error);
      return r.value!;
    },
  };
}

describeOnHost(['root', 'cgroupV1', 'qemu'], 'reconnect after an engine restart (real QEMU)', () => {
  beforeAll(() => {
    dirs = newEngineDirs();
    // the child engine keeps its runtime files in <XDG_RUNTIME_DIR>/cgvirt
    dirs.runtimeDir = join(dirs.root, 'cgvirt');
  });
  afterAll(async () => {
    for (const c of engineChildren) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    if (t) await t.teardown();
    else {
      await removeTestPartition(dirs.partition);
      rmSync(dirs.root, { recursive: true, force: true });
    }
  });

  it('a new engine reattaches to guests that outlived a killed one, with the same group, and can stop them', async () => {
    const image = writeBootImage(dirs.root, 'halt');
    const image2 = writeBootImage(dirs.root, 'halt', 'other.img'); // QEMU locks an image for one writer
    const first = await engineProcess();
    await first.send({ op: 'define', def: { name: 'survivor', memoryMiB: 32, vcpus: 1, disks: [{ path: image }], cpu: { shares: 3000 } } });
    await first.send({ op: 'define', def: { name: 'other', memoryMiB: 32, vcpus: 1, disks: [{ path: image2 }] } });
    const { pid } = await first.send({ op: 'start', name: 'survivor' });
    await first.send({ op: 'start', name: 'other' });
    const exited = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await exited;
    expect(existsSync(`/proc/${pid}`)).toBe(true); // the guest outlived its manager

    t = await startEngineHarness({}, dirs);
    const vm = await t.engine.vmGet({ name: 'survivor' });
    expect(vm).toMatchObject({ state: 'running', pid, cgroups: { cpu: `${dirs.partition}/qemu/survivor` } });
    expect(readFileSync(`/proc/${pid}/cgroup`, 'utf8')).toContain(`:cpu:${dirs.partition}/qemu/survivor`);
    expect(await t.qmpQuery<{ status: string }>('survivor', 'query-status')).toMatchObject({ status: 'running' });
    expect((await t.engine.schedGet({ name: 'survivor', flags: { live: true } })).params).toContainEqual({
      field: 'cpu_shares',
      type: 'ullong',
      value: 3000,
    });

    // QEMU is init's child now, not ours: destroy must still see it end and clean everything up.
    expect((await t.engine.vmDestroy({ name: 'survivor' })).state).toBe('shutoff');
    expect(existsSync(join('/sys/fs/cgroup/cpu', dirs.partition, 'qemu', 'survivor'))).toBe(false);
    expect(readdirSync(dirs.runtimeDir).filter((f) => f.startsWith(vm.definition.uuid))).toEqual([]);

    // a reattached guest that dies from outside is noticed too
    const other = await t.engine.vmGet({ name: 'other' });
    process.kill(other.pid!, 'SIGKILL');
    for (let i = 0; i < 100 && (await t.engine.vmGet({ name: 'other' })).state === 'running'; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await t.engine.vmGet({ name: 'other' })).state).toBe('crashed');
    expect(existsSync(join('/sys/fs/cgroup/cpu', dirs.partition, 'qemu', 'other'))).toBe(false);
  });

  it('only one engine may own a runtime dir', async () => {
    await expect(startEngineHarness({}, dirs)).rejects.toThrow(/another cgvirt engine \(pid \d+\) already manages/);
  });

  it('a status file whose QEMU is gone is cleaned at start, and its guest is shut off', async () => {
    await t!.engine.close();
    const def = (await t!.engine.vmList({})).find((v) => v.definition.name === 'survivor')!.definition;
    writeFileSync(
      join(dirs.runtimeDir, `${def.uuid}.json`),
      JSON.stringify({
        name: 'survivor',
        uuid: def.uuid,
        pid: 999999,
        startTime: 1,
        qmpSocket: join(dirs.runtimeDir, `${def.uuid}.qmp`),
        pidfile: join(dirs.runtimeDir, `${def.uuid}.pid`),
        logPath: '/dev/null',
        startedAt: new Date().toISOString(),
      }),
    );
    writeFileSync(join(dirs.runtimeDir, `${def.uuid}.pid`), '999999');
    t = await startEngineHarness({}, dirs);
    expect((await t.engine.vmGet({ name: 'survivor' })).state).toBe('shutoff');
    expect(readdirSync(dirs.runtimeDir).filter((f) => f.startsWith(def.uuid))).toEqual([]);
  });
});
