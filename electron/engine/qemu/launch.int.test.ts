// Real QEMU (TCG) started through the exec wrapper into real cgroup v1 groups of a unique test partition.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeOnHost } from '../../../testing/describe-on-host';
import { newTestPartition, removeTestPartition, partitionLeftovers } from '../../../testing/partition';
import { requireQemu } from '../host/qemu';
import { buildArgv } from './argv';
import { LaunchError, launchQemu, stopQemu, waitForQmp } from './launch';
import { readLogTail } from './log';
import { readProcCmdline, readProcStat } from './proc';
import { QmpClient } from './qmp';
import { removeRuntimeFiles } from './runtime-files';
import { newTestDir, openFdCount, startTestGuest, stopTestGuest, testDefinition, type TestDir, type TestGuest } from '../../../testing/qemu-guest';

const CONTROLLERS = ['cpu', 'memory'] as const;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Controller → group path, from /proc/<pid>/cgroup (v1 lines: `id:controllers:/path`). */
function groupsOf(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').filter(Boolean)) {
    const [, controllers, path] = line.split(':');
    for (const c of controllers!.split(',')) out[c] = path!;
  }
  return out;
}

const caught = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'resolved',
    (e: unknown) => e,
  );

describeOnHost(['root', 'cgroupV1', 'qemu'], 'launching real QEMU into its cgroups', () => {
  let partition: string;
  let t: TestDir;
  let g: TestGuest | undefined;
  let fdsBefore: number;

  beforeEach(() => {
    fdsBefore = openFdCount();
    partition = newTestPartition();
    for (const c of CONTROLLERS) mkdirSync(join('/sys/fs/cgroup', c, partition, 'g'), { recursive: true });
    t = newTestDir();
    g = undefined;
  });

  afterEach(async () => {
    await stopTestGuest(t, g);
    await removeTestPartition(partition);
    t.remove();
    expect(partitionLeftovers(partition)).toEqual([]);
  });

  const procsFiles = () => CONTROLLERS.map((c) => join('/sys/fs/cgroup', c, partition, 'g', 'cgroup.procs'));

  /** After a failed start: no process, no runtime file, no fd of ours. */
  const expectNothingLeft = (pid?: number) => {
    if (pid !== undefined) expect(alive(pid)).toBe(false);
    expect(readdirSync(t.dir).sort()).toEqual(['guest.log', 'halt.img']);
    expect(openFdCount()).toBe(fdsBefore);
  };

  it('QEMU is in its groups before its first instruction, runs after cont, and leaves nothing after quit', async () => {
    g = await startTestGuest(t, { procsFiles: procsFiles() });
    const { q, qmp } = g;

    // Stopped by -S, already placed.
    expect(await qmp.execute('query-status')).toMatchObject({ status: 'prelaunch', running: false });
    const groups = groupsOf(q.pid);
    for (const c of CONTROLLERS) expect(groups[c]).toBe(`${partition}/g`);
    for (const c of CONTROLLERS) {
      expect(readFileSync(join('/sys/fs/cgroup', c, partition, 'g', 'cgroup.procs'), 'utf8').split('\n')).toContain(String(q.pid));
    }
    // The pid is QEMU itself (the wrapper exec'd in place), in its own session, and the engine holds no log fd.
    const cmdline = await readProcCmdline(q.pid);
    expect(cmdline?.[0]).toMatch(/qemu-system-x86_64$/);
    expect(cmdline).toContain(g.definition.uuid);
    expect(readFileSync(`/proc/${q.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[3]).toBe(String(q.pid)); // session id
    expect(openFdCount()).toBe(fdsBefore + 1); // only the QMP socket
    expect(readFileSync(t.paths.pidfile, 'utf8').trim()).toBe(String(q.pid));
    expect((await readProcStat(q.pid))?.ppid).toBe(process.pid);

    // The start marker is in the log, with the argv.
    const log = readFileSync(t.logPath, 'utf8');
    expect(log).toMatch(/^=== \d{4}-\d\d-\d\dT[^ ]+ cgvirt: starting \/\S*qemu-system-x86_64 -name guest=it-guest /);

    const resumed = qmp.waitForEvent((e) => e.event === 'RESUME');
    await qmp.execute('cont');
    await resumed;
    expect(await qmp.execute('query-status')).toMatchObject({ status: 'running', running: true });

    const shutdown = qmp.waitForEvent((e) => e.event === 'SHUTDOWN');
    await qmp.execute('quit');
    expect((await shutdown).data).toMatchObject({ guest: false, reason: 'host-qmp-quit' });
    expect(await q.exited).toEqual({ code: 0, signal: null });
    expect(await readProcStat(q.pid)).toBeNull(); // reaped: not even a zombie
    await new Promise<void>((r) => (qmp.closed ? r() : qmp.onClose(() => r())));
    // QEMU removes its own socket and pidfile on a clean exit.
    expect(existsSync(t.paths.qmpSocket)).toBe(false);
    expect(existsSync(t.paths.pidfile)).toBe(false);
    expect(openFdCount()).toBe(fdsBefore);
  });

  it('stopQemu ends QEMU with SIGTERM and reaps it; the pid is then no longer signalled', async () => {
    g = await startTestGuest(t, { procsFiles: procsFiles() });
    // QEMU catches SIGTERM and exits cleanly.
    expect(await stopQemu(g.q, { graceMs: 10_000 })).toEqual({ code: 0, signal: null });
    expect(alive(g.q.pid)).toBe(false);
    expect(g.q.kill('SIGKILL')).toBe(false);
    expect(readFileSync(t.logPath, 'utf8')).toMatch(/terminating on signal 15/);
  });

  it('stopQemu escalates to SIGKILL for a process that ignores SIGTERM', async () => {
    // Not QEMU: a process that ignores SIGTERM, started the same way, to see the escalation happen.
    const q = await launchQemu({ binary: '/bin/sh', args: ['-c', 'trap "" TERM; exec sleep 60'], procsFiles: procsFiles(), logPath: t.logPath });
    // Signal only once the trap is set, i.e. once sleep runs (with SIGTERM still ignored across the exec).
    for (let i = 0; i < 500 && (await readProcCmdline(q.pid))?.[0] !== 'sleep'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await readProcCmdline(q.pid)).toEqual(['sleep', '60']);
    expect(groupsOf(q.pid).cpu).toBe(`${partition}/g`);
    expect(await stopQemu(q, { graceMs: 300 })).toEqual({ code: null, signal: 'SIGKILL' });
    expect(alive(q.pid)).toBe(false);
  });

  it('QEMU outlives the process that launched it (own session), and a new client reattaches over QMP', async () => {
    // Another Node process launches QEMU and exits, as an engine that quits or crashes would.
    const script = join(t.dir, 'launcher.mts');
    writeFileSync(
      script,
      [
        `import { launchQemu, waitForQmp } from ${JSON.stringify(join(import.meta.dirname, 'launch.ts'))};`,
        `const q = await launchQemu(${JSON.stringify({ binary: (await requireQemu()).path, args: buildArgv({ definition: testDefinition({ disks: [{ path: t.bootImage }] }), accel: 'tcg', paths: t.paths }), procsFiles: procsFiles(), logPath: t.logPath })});`,
        `const qmp = await waitForQmp(q, ${JSON.stringify(t.paths.qmpSocket)});`,
        'await qmp.close();',
        'console.log(q.pid);',
      ].join('\n'),
    );
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', cwd: process.cwd() });
    const pid = Number(out.trim().split('\n').at(-1));
    try {
      expect(alive(pid)).toBe(true);
      const st = await readProcStat(pid);
      expect(st?.ppid).not.toBe(process.pid);
      expect(groupsOf(pid).cpu).toBe(`${partition}/g`);
      const qmp = await QmpClient.connect(t.paths.qmpSocket);
      try {
        expect(await qmp.execute('query-status')).toMatchObject({ status: 'prelaunch' });
        const closed = new Promise((r) => qmp.onClose(r));
        await qmp.execute('quit');
        await closed;
      } finally {
        qmp.destroy();
      }
    } finally {
      // Not our child: init reaps it (slowly here). Wait until it is gone or a zombie, killing it if quit failed.
      if (alive(pid) && (await readProcStat(pid))?.state !== 'Z') process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 500; i++) {
        const st = await readProcStat(pid);
        if (st === null || st.state === 'Z') break;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    expect([null, 'Z']).toContain((await readProcStat(pid))?.state ?? null);
  });

  it('a missing binary fails at "check binary" before anything is started', async () => {
    const e = await caught(launchQemu({ binary: join(t.dir, 'no-qemu'), args: ['-S'], procsFiles: procsFiles(), logPath: t.logPath }));
    expect(e).toBeInstanceOf(LaunchError);
    expect(e).toMatchObject({ stage: 'check binary', code: 'OPERATION_FAILED' });
    expect((e as Error).message).toMatch(/no-qemu' does not exist; install the Debian package qemu-system-x86, or set CGVIRT_QEMU/);
    expect(readdirSync(t.dir)).toEqual(['halt.img']);
    expect(readFileSync(procsFiles()[0]!, 'utf8')).toBe('');
    expect(openFdCount()).toBe(fdsBefore);
  });

  it("an invalid QEMU option fails at 'QMP ready' with QEMU's own words, nothing left", async () => {
    const e = await caught(startTestGuest(t, { procsFiles: procsFiles(), extraArgs: ['-no-such-option'] }));
    expect(e).toMatchObject({ stage: 'QMP ready' });
    expect((e as LaunchError).message).toMatch(/QEMU exited with code 1 before its QMP socket was ready/);
    expect((e as LaunchError).logTail.join('\n')).toMatch(/-no-such-option: invalid option/);
    expectNothingLeft();
    expect(readFileSync(procsFiles()[0]!, 'utf8')).toBe('');
  });

  it("an unreadable disk fails at 'QMP ready' naming the file, nothing left (QEMU leaves its socket; we remove it)", async () => {
    const missing = join(t.dir, 'gone, "really".img');
    const e = await caught(startTestGuest(t, { procsFiles: procsFiles(), definition: testDefinition({ disks: [{ path: missing }] }) }));
    expect(e).toMatchObject({ stage: 'QMP ready' });
    expect((e as LaunchError).logTail.join('\n')).toContain(`Could not open '${missing}': No such file or directory`);
    expectNothingLeft();
  });

  it("a group QEMU cannot join fails at 'join cgroups' before QEMU runs", async () => {
    const bad = join('/sys/fs/cgroup/cpu', partition, 'no-such-group', 'cgroup.procs');
    const e = await caught(startTestGuest(t, { procsFiles: [procsFiles()[1]!, bad] }));
    expect(e).toMatchObject({ stage: 'join cgroups' });
    expect((e as LaunchError).logTail.join('\n')).toContain(`cgvirt-exec: cannot move QEMU`);
    expect((e as LaunchError).logTail.join('\n')).toContain(bad);
    expectNothingLeft();
  });

  it('paths and arguments reach QEMU as single words: a disk path with a comma, a quote, spaces and $(...) boots', async () => {
    const { path: binary } = await requireQemu();
    const weird = join(t.dir, 'my disk,file=x "$(touch pwned)" \'q\'.img');
    const { copyFileSync } = await import('node:fs');
    copyFileSync(t.bootImage, weird);
    const definition = testDefinition({ name: 'a,b "c" $(d)', disks: [{ path: weird, readonly: true }] });
    const args = buildArgv({ definition, accel: 'tcg', paths: t.paths });
    const q = await launchQemu({ binary, args, procsFiles: procsFiles(), logPath: t.logPath });
    g = { definition, q, qmp: await waitForQmp(q, t.paths.qmpSocket) };
    expect(await g.qmp.execute('query-name')).toEqual({ name: 'a,b "c" $(d)' });
    const [block] = await g.qmp.execute<{ inserted: { file: string; ro: boolean } }[]>('query-block');
    expect(block!.inserted).toMatchObject({ file: weird, ro: true });
    expect(existsSync(join(t.dir, 'pwned'))).toBe(false);
    expect(existsSync(join(process.cwd(), 'pwned'))).toBe(false);
  });

  it('the log keeps every run: each start appends its marker, the tail of one run excludes the earlier ones', async () => {
    await caught(startTestGuest(t, { extraArgs: ['-first-bad-option'] }));
    const second = await caught(startTestGuest(t, { extraArgs: ['-second-bad-option'] }));
    const tail = (second as LaunchError).logTail.join('\n');
    expect(tail).toContain('-second-bad-option');
    expect(tail).not.toContain('-first-bad-option: invalid option');
    const all = await readLogTail(t.logPath, 100);
    expect(all.filter((l) => l.includes('cgvirt: starting'))).toHaveLength(2);
    await removeRuntimeFiles(t.paths);
  });
});
