// The QMP client against real QEMU 7.2 (TCG, a halt boot-sector guest).
import { createConnection } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeOnHost } from '../../../testing/describe-on-host';
import { isQmpError, QmpClient, type QmpEvent } from './qmp';
import { newTestDir, openFdCount, startTestGuest, stopTestGuest, testDefinition, type TestDir, type TestGuest } from '../../../testing/qemu-guest';

const caught = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'resolved',
    (e: unknown) => e,
  );

describeOnHost(['qemu'], 'QMP client against real QEMU', () => {
  let t: TestDir;
  let g: TestGuest | undefined;
  let fdsBefore: number;

  beforeEach(() => {
    fdsBefore = openFdCount();
    t = newTestDir();
    g = undefined;
  });
  afterEach(async () => {
    await stopTestGuest(t, g);
    t.remove();
    expect(openFdCount()).toBe(fdsBefore);
  });

  it('negotiates, runs commands (several at once), and reports QEMU errors with its desc', async () => {
    g = await startTestGuest(t);
    expect(g.qmp.greeting?.version.qemu.major).toBeGreaterThanOrEqual(7);
    const [status, name, uuid] = await Promise.all([g.qmp.execute('query-status'), g.qmp.execute('query-name'), g.qmp.execute('query-uuid')]);
    expect(status).toMatchObject({ status: 'prelaunch' });
    expect(name).toEqual({ name: 'it-guest' });
    expect(uuid).toEqual({ UUID: g.definition.uuid });
    const e = await caught(g.qmp.execute('device_del', { id: 'no-such-device' }));
    expect(isQmpError(e, 'command')).toBe(true);
    expect(e).toMatchObject({ errorClass: 'DeviceNotFound', desc: "Device 'no-such-device' not found" });
    const unknown = await caught(g.qmp.execute('no-such-command'));
    expect(unknown).toMatchObject({ errorClass: 'CommandNotFound', desc: 'The command no-such-command has not been found' });
  });

  it('delivers RESUME, STOP, RESET and SHUTDOWN, then reports the close when QEMU exits', async () => {
    g = await startTestGuest(t);
    const events: QmpEvent[] = [];
    g.qmp.onEvent((e) => events.push(e));
    const closed = new Promise<Error | null>((r) => g!.qmp.onClose(r));

    await g.qmp.execute('cont');
    await g.qmp.execute('stop');
    await g.qmp.execute('cont');
    const reset = g.qmp.waitForEvent((e) => e.event === 'RESET', { what: 'RESET' });
    await g.qmp.execute('system_reset');
    await reset;
    const shutdown = g.qmp.waitForEvent((e) => e.event === 'SHUTDOWN', { what: 'SHUTDOWN' });
    await g.qmp.execute('quit');
    await shutdown;
    expect(await closed).toBeNull();
    expect(events.map((e) => e.event)).toEqual(['RESUME', 'STOP', 'RESUME', 'RESET', 'SHUTDOWN']);
    expect(events.every((e) => typeof e.timestamp.seconds === 'number')).toBe(true);
    expect(await g.q.exited).toEqual({ code: 0, signal: null });
  });

  it('a QEMU killed from outside: pending commands fail as closed, the close is reported', async () => {
    g = await startTestGuest(t);
    const closed = new Promise<Error | null>((r) => g!.qmp.onClose(r));
    const waiting = caught(g.qmp.waitForEvent((e) => e.event === 'NEVER'));
    process.kill(g.q.pid, 'SIGKILL');
    expect(await closed).toBeNull();
    expect(isQmpError(await waiting, 'closed')).toBe(true);
    expect(isQmpError(await caught(g.qmp.execute('query-status')), 'closed')).toBe(true);
    expect(await g.q.exited).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('reconnects after close (what a restarted engine does) and sees the same guest', async () => {
    g = await startTestGuest(t);
    await g.qmp.execute('cont');
    await g.qmp.close();
    g.qmp = await QmpClient.connect(t.paths.qmpSocket, { timeoutMs: 5000 });
    expect(await g.qmp.execute('query-status')).toMatchObject({ status: 'running' });
  });

  it('a guest with VNC serves RFB on its unix socket, under the same sandbox', async () => {
    g = await startTestGuest(t, { definition: testDefinition({ vnc: true, disks: [{ path: t.bootImage }] }) });
    await g.qmp.execute('cont');
    const vnc = await g.qmp.execute<{ enabled: boolean; family: string }>('query-vnc');
    expect(vnc).toMatchObject({ enabled: true, family: 'unix' });
    const banner = await new Promise<string>((resolve, reject) => {
      const s = createConnection({ path: t.paths.vncSocket });
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString('latin1'));
      });
      s.once('error', reject);
    });
    expect(banner).toMatch(/^RFB 003\.008\n/);
  });
});
