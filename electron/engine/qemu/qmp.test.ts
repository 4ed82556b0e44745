// The QMP client against a tiny server speaking the protocol on a real unix socket: framing, ids, errors, timeouts,
// events and closing. Behaviour against real QEMU is in qmp.int.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isQmpError, QmpClient, QmpError } from './qmp';

const GREETING = { QMP: { version: { qemu: { major: 7, minor: 2, micro: 22 }, package: 'test' }, capabilities: ['oob'] } };

type Handler = (cmd: { execute: string; arguments?: Record<string, unknown>; id?: unknown }, conn: Socket) => void;

let dir: string;
let server: Server;
let sockPath: string;
let conns: Socket[];
let received: string[];
let handler: Handler;
let greet: boolean;

const send = (conn: Socket, o: unknown) => conn.write(`${JSON.stringify(o)}\r\n`);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cgvirt-qmp-'));
  sockPath = join(dir, 'qmp.sock');
  conns = [];
  received = [];
  greet = true;
  handler = (cmd, conn) => send(conn, { return: {}, id: cmd.id });
  server = createServer((conn) => {
    conns.push(conn);
    if (greet) send(conn, GREETING);
    let buf = '';
    conn.setEncoding('utf8');
    conn.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        received.push(line);
        handler(JSON.parse(line), conn);
      }
    });
    conn.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(sockPath, r));
});

afterEach(async () => {
  for (const c of conns) c.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const caught = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'resolved',
    (e: unknown) => e,
  );

describe('QmpClient', () => {
  it('reads the greeting and negotiates capabilities before anything else', async () => {
    const qmp = await QmpClient.connect(sockPath);
    expect(qmp.greeting?.version.qemu).toEqual({ major: 7, minor: 2, micro: 22 });
    expect(JSON.parse(received[0]!)).toMatchObject({ execute: 'qmp_capabilities' });
    await qmp.close();
    expect(qmp.closed).toBe(true);
  });

  it('matches answers to commands by id, even out of order, with several in flight', async () => {
    const held: { id: unknown; conn: Socket; name: string }[] = [];
    const qmp = await QmpClient.connect(sockPath);
    handler = (cmd, conn) => {
      held.push({ id: cmd.id, conn, name: cmd.execute });
      if (held.length === 3) for (const h of held.reverse()) send(h.conn, { return: { name: h.name }, id: h.id });
    };
    const [a, b, c] = await Promise.all([qmp.execute('query-a'), qmp.execute('query-b', { x: 1 }), qmp.execute('query-c')]);
    expect([a, b, c]).toEqual([{ name: 'query-a' }, { name: 'query-b' }, { name: 'query-c' }]);
    expect(JSON.parse(received[2]!)).toMatchObject({ execute: 'query-b', arguments: { x: 1 } });
    await qmp.close();
  });

  it('reassembles messages split across reads and several messages in one read', async () => {
    const qmp = await QmpClient.connect(sockPath);
    const events: string[] = [];
    qmp.onEvent((e) => events.push(e.event));
    handler = (cmd, conn) => {
      const text =
        JSON.stringify({ event: 'STOP', timestamp: { seconds: 1, microseconds: 0 } }) +
        '\r\n' +
        JSON.stringify({ return: { status: 'paused', text: 'ünïcødé' }, id: cmd.id }) +
        '\r\n';
      const bytes = Buffer.from(text);
      // Split inside a multi-byte character, then send the rest.
      const cut = bytes.indexOf(Buffer.from('ï')) + 1;
      conn.write(bytes.subarray(0, cut));
      setTimeout(() => conn.write(bytes.subarray(cut)), 20);
    };
    expect(await qmp.execute('query-status')).toEqual({ status: 'paused', text: 'ünïcødé' });
    expect(events).toEqual(['STOP']);
    await qmp.close();
  });

  it("turns a QMP error into a QmpError carrying QEMU's class and desc", async () => {
    const qmp = await QmpClient.connect(sockPath);
    handler = (cmd, conn) => send(conn, { error: { class: 'DeviceNotFound', desc: "Device 'x' not found" }, id: cmd.id });
    const e = await caught(qmp.execute('device_del', { id: 'x' }));
    expect(e).toBeInstanceOf(QmpError);
    expect(e).toMatchObject({
      failure: 'command',
      code: 'OPERATION_FAILED',
      command: 'device_del',
      errorClass: 'DeviceNotFound',
      desc: "Device 'x' not found",
      message: "QEMU refused 'device_del': Device 'x' not found",
    });
    await qmp.close();
  });

  it('times out one command without disturbing the next, and ignores its late answer', async () => {
    const qmp = await QmpClient.connect(sockPath);
    const late: { id: unknown; conn: Socket }[] = [];
    handler = (cmd, conn) => {
      if (cmd.execute === 'slow') late.push({ id: cmd.id, conn });
      else send(conn, { return: 'fast', id: cmd.id });
    };
    const e = await caught(qmp.execute('slow', undefined, { timeoutMs: 50 }));
    expect(isQmpError(e, 'timeout')).toBe(true);
    expect((e as Error).message).toBe("QEMU did not answer 'slow' within 50 ms");
    send(late[0]!.conn, { return: 'too late', id: late[0]!.id });
    expect(await qmp.execute('quick')).toBe('fast');
    await qmp.close();
  });

  it('delivers events to every listener and stops after unsubscribe', async () => {
    const qmp = await QmpClient.connect(sockPath);
    const a: string[] = [];
    const b: string[] = [];
    const offA = qmp.onEvent((e) => a.push(e.event));
    qmp.onEvent((e) => b.push(`${e.event}:${JSON.stringify(e.data ?? null)}`));
    handler = (cmd, conn) => {
      send(conn, { event: 'RESET', timestamp: { seconds: 1, microseconds: 2 }, data: { guest: false } });
      send(conn, { return: {}, id: cmd.id });
    };
    await qmp.execute('system_reset');
    offA();
    await qmp.execute('system_reset');
    expect(a).toEqual(['RESET']);
    expect(b).toEqual(['RESET:{"guest":false}', 'RESET:{"guest":false}']);
    await qmp.close();
  });

  it('waits for one matching event, subscribed before the command that causes it', async () => {
    const qmp = await QmpClient.connect(sockPath);
    handler = (cmd, conn) => {
      // QEMU may send the event before the command's answer.
      send(conn, { event: 'DEVICE_DELETED', timestamp: { seconds: 1, microseconds: 0 }, data: { path: '/x/y' } });
      send(conn, { event: 'DEVICE_DELETED', timestamp: { seconds: 1, microseconds: 0 }, data: { device: 'disk-1' } });
      send(conn, { return: {}, id: cmd.id });
    };
    const deleted = qmp.waitForEvent((e) => e.event === 'DEVICE_DELETED' && e.data?.device === 'disk-1');
    await qmp.execute('device_del', { id: 'disk-1' });
    expect((await deleted).data).toEqual({ device: 'disk-1' });
    const none = await caught(qmp.waitForEvent((e) => e.event === 'NEVER', { timeoutMs: 30, what: 'NEVER' }));
    expect(isQmpError(none, 'timeout') && none.message).toBe('no NEVER from QEMU within 30 ms');
    await qmp.close();
  });

  it('fails pending commands and waits, and tells listeners, when the peer goes away', async () => {
    const qmp = await QmpClient.connect(sockPath);
    handler = () => {};
    const closes: (Error | null)[] = [];
    qmp.onClose((r) => closes.push(r));
    const pending = caught(qmp.execute('query-status'));
    const waiting = caught(qmp.waitForEvent(() => true));
    await new Promise((r) => setTimeout(r, 20));
    for (const c of conns) c.destroy(); // QEMU exits
    expect(isQmpError(await pending, 'closed')).toBe(true);
    expect(((await pending) as Error).message).toMatch(/closed before QEMU answered 'query-status'/);
    expect(isQmpError(await waiting, 'closed')).toBe(true);
    expect(closes).toEqual([null]);
    expect(qmp.closed).toBe(true);
    expect(isQmpError(await caught(qmp.execute('cont')), 'closed')).toBe(true);
  });

  it('a missing socket is a connect error naming the path and errno', async () => {
    const e = await caught(QmpClient.connect(join(dir, 'nope.sock')));
    expect(e).toMatchObject({ failure: 'connect', errno: 'ENOENT' });
    expect((e as Error).message).toContain(join(dir, 'nope.sock'));
  });

  it('a socket that never greets times out and leaves no connection open', async () => {
    greet = false;
    const e = await caught(QmpClient.connect(sockPath, { timeoutMs: 50 }));
    expect(isQmpError(e, 'timeout')).toBe(true);
    expect((e as Error).message).toMatch(/gave no greeting within 50 ms/);
    await new Promise((r) => setTimeout(r, 20));
    const open = await new Promise<number>((r) => server.getConnections((_, n) => r(n)));
    expect(open).toBe(0);
  });

  it('a peer that sends garbage is a protocol error, and the connection is dropped', async () => {
    const qmp = await QmpClient.connect(sockPath);
    handler = (_cmd, conn) => conn.write('this is not json\n');
    const e = await caught(qmp.execute('query-status'));
    expect(isQmpError(e, 'closed')).toBe(true);
    expect((e as Error).message).toMatch(/not JSON: this is not json/);
    expect(qmp.closed).toBe(true);
  });

  it('close() fails a pending command as closed', async () => {
    const qmp = await QmpClient.connect(sockPath);
    handler = () => {};
    const pending = caught(qmp.execute('query-status', undefined, { timeoutMs: 60_000 }));
    await qmp.close();
    expect(isQmpError(await pending, 'closed')).toBe(true);
  });
});
