// The console WebSocket over a real socket on loopback, in front of an engine whose openConsole hands out a stream
// the test drives (the fake engine streams nothing): the refusals before the upgrade, bytes both ways, either end
// ending the other, and the limits — a frame too big, a viewer that stops reading. The real engine behind it is in
// console-transport.int.test.ts.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CgvirtError } from '../../shared';
import type { ConsoleStream } from '../engine/api';
import { createFakeEngine, type FakeEngine } from '../../testing/fake-engine';
import { connectConsoleClient, connectWsClient, ConsoleRefused } from '../../testing/ws-client';
import { startWebServer, type WebServer } from './web-server';

let dir: string;
let engine: FakeEngine;
let server: WebServer;
const tcpSockets: Socket[] = [];

/** A stream the test drives, as openConsole hands it out. */
function scriptedStream() {
  const written: Buffer[] = [];
  const dataListeners: ((c: Buffer) => void)[] = [];
  let onClose: ((r: string) => void) | null = null;
  let closed: string | null = null;
  const end = (r: string) => {
    if (closed !== null) return;
    closed = r;
    onClose?.(r);
  };
  const stream: ConsoleStream = {
    onData: (l) => void dataListeners.push(l),
    onClose: (l) => void (onClose = l),
    write: (c) => void written.push(Buffer.from(c)),
    close: () => end('the viewer closed the console'),
  };
  return { stream, written, push: (c: Buffer) => dataListeners.forEach((l) => l(c)), end, closed: () => closed };
}

/** Tickets the engine stand-in accepts, each once: ticket → stream. */
let streams: Map<string, ReturnType<typeof scriptedStream>>;

async function start(limits: { maxPayload?: number; maxBuffered?: number } = {}) {
  const base = createFakeEngine();
  engine = Object.assign(base, {
    openConsole: async (ticket: string) => {
      const s = streams.get(ticket);
      streams.delete(ticket);
      if (!s) throw new CgvirtError('OPERATION_INVALID', 'the console ticket is unknown or already used; ask console:ticket for a new one');
      return s.stream;
    },
  });
  server = await startWebServer({ engine, staticDir: dir, consoleLimits: limits, log: () => {} });
}

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('the console WebSocket was accepted');
    },
    (e: unknown) => {
      if (!(e instanceof ConsoleRefused)) throw e;
      return { status: e.status, body: e.body };
    },
  );

/** Reads server frames (unmasked) from a raw socket until the close frame; its code and reason. */
function closeFrameOf(socket: Socket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        if (buf.length < 2) return;
        const opcode = buf[0]! & 0x0f;
        let len = buf[1]! & 0x7f;
        let at = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          at = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          at = 10;
        }
        if (buf.length < at + len) return;
        const payload = buf.subarray(at, at + len);
        buf = buf.subarray(at + len);
        if (opcode === 0x8) {
          socket.off('data', onData);
          return resolve({ code: payload.readUInt16BE(0), reason: payload.subarray(2).toString('utf8') });
        }
      }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error('the socket closed without a close frame')));
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cgvirt-console-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>cgvirt</title>');
  streams = new Map();
});
afterEach(async () => {
  for (const s of tcpSockets.splice(0)) s.destroy();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('who may open a console', () => {
  it('refuses before the upgrade, with a one-line reason: no token, a wrong Origin, a Host we do not serve, no or a bad ticket', async () => {
    await start();
    streams.set('good', scriptedStream());
    expect(await refusal(connectConsoleClient(server.url, 'good', { token: null }))).toEqual({
      status: 401,
      body: 'missing or wrong token: open the URL cgvirt printed',
    });
    expect(await refusal(connectConsoleClient(server.url, 'good', { token: 'wrong' }))).toMatchObject({ status: 401 });
    expect(await refusal(connectConsoleClient(server.url, 'good', { origin: 'http://evil.example' }))).toEqual({
      status: 403,
      body: 'this page origin may not connect',
    });
    expect(await refusal(connectConsoleClient(server.url, 'good', { headers: { Host: `rebound.example:${server.port}` } }))).toMatchObject({
      status: 421,
    });
    expect(await refusal(connectConsoleClient(server.url, null))).toEqual({
      status: 403,
      body: 'missing console ticket: ask console:ticket for one, then connect with ?ticket=',
    });
    expect(await refusal(connectConsoleClient(server.url, 'made-up'))).toEqual({
      status: 403,
      body: 'the console ticket is unknown or already used; ask console:ticket for a new one',
    });
    expect(streams.has('good')).toBe(true); // nothing refused above reached the engine with the good ticket
    const c = await connectConsoleClient(server.url, 'good');
    expect(await refusal(connectConsoleClient(server.url, 'good'))).toMatchObject({ status: 403 }); // used
    c.socket.close();
  });

  it('an engine failure that is not about the ticket is a 503, a bug a 500 without its details', async () => {
    await start();
    engine.openConsole = async () => {
      throw new CgvirtError('OPERATION_FAILED', "cannot connect to the screen of 'web' (/run/x.vnc): ENOENT");
    };
    expect(await refusal(connectConsoleClient(server.url, 't'))).toEqual({
      status: 503,
      body: "cannot connect to the screen of 'web' (/run/x.vnc): ENOENT",
    });
    engine.openConsole = async () => {
      throw new Error('secret internals');
    };
    expect(await refusal(connectConsoleClient(server.url, 't'))).toEqual({ status: 500, body: 'internal error; the details are in the cgvirt log' });
  });

  it('a handshake ws refuses after the ticket was used (no Sec-WebSocket-Key) closes the stream it opened', async () => {
    await start();
    const s = scriptedStream();
    streams.set('t', s);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port: server.port,
        path: `/console?token=${server.token}&ticket=t`,
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', Origin: server.origin },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
    await until(() => s.closed() !== null, 'the stream to close');
  });

  it('leaves /ws to the request transport, on the same server', async () => {
    await start();
    const ws = await connectWsClient(server.url);
    expect(await ws.invoke('vm:list', {})).toEqual([]);
    await ws.close();
  });
});

describe('a console stream over the WebSocket', () => {
  it('carries binary frames both ways (a text frame as its bytes), and the stream ending closes the socket with its reason', async () => {
    await start();
    const s = scriptedStream();
    streams.set('t', s);
    const c = await connectConsoleClient(server.url, 't');
    s.push(Buffer.from([0, 1, 2, 255]));
    expect([...(await c.bytes.read(4))]).toEqual([0, 1, 2, 255]);
    c.send(Uint8Array.of(9, 8, 7));
    c.send('ls\r');
    await until(() => s.written.length === 2, 'the viewer bytes');
    expect(s.written.map((b) => [...b])).toEqual([[9, 8, 7], [...Buffer.from('ls\r')]]);
    s.end('the guest stopped');
    expect(await c.closed).toEqual({ code: 1000, reason: 'the guest stopped' });
    await until(() => server.consoles.clientCount === 0, 'the server to let go of the socket');
  });

  it('the socket closing closes the stream', async () => {
    await start();
    const s = scriptedStream();
    streams.set('t', s);
    const c = await connectConsoleClient(server.url, 't');
    c.socket.terminate(); // no close frame: a tab that died
    await until(() => s.closed() !== null, 'the stream to close');
    expect(s.closed()).toBe('the viewer closed the console');
  });

  it('a frame over the payload limit closes that socket (1009) and its stream', async () => {
    await start({ maxPayload: 1024 });
    const s = scriptedStream();
    streams.set('t', s);
    const c = await connectConsoleClient(server.url, 't');
    c.send(new Uint8Array(2048));
    expect((await c.closed).code).toBe(1009);
    await until(() => s.closed() !== null, 'the stream to close');
    expect(s.written).toEqual([]);
  });

  it('a viewer that stops reading is dropped with the reason once the cap is queued; the engine stops sending to it', async () => {
    await start({ maxBuffered: 256 * 1024 });
    const s = scriptedStream();
    streams.set('t', s);
    // A client on a bare TCP socket that completes the upgrade and then reads nothing more.
    let serverSide: Socket | undefined;
    const onSocket = (m: unknown) => {
      const sock = (m as { socket: Socket }).socket;
      if (sock.localPort === server.port) serverSide = sock;
    };
    subscribe('net.server.socket', onSocket);
    const socket = tcpConnect(server.port, '127.0.0.1');
    tcpSockets.push(socket);
    try {
      await once(socket, 'connect');
      socket.write(
        `GET /console?token=${server.token}&ticket=t HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nOrigin: ${server.origin}\r\n` +
          'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
      const head = await new Promise<string>((resolve) => {
        let got = '';
        const onData = (d: Buffer) => {
          got += d.toString('latin1');
          if (!got.includes('\r\n\r\n')) return;
          socket.off('data', onData);
          socket.pause();
          resolve(got);
        };
        socket.on('data', onData);
      });
      expect(head).toMatch(/^HTTP\/1\.1 101 /);
    } finally {
      unsubscribe('net.server.socket', onSocket);
    }
    const chunk = Buffer.alloc(256 * 1024, 0x41);
    let pushed = 0;
    while (s.closed() === null && pushed < 256 << 20) {
      s.push(chunk);
      pushed += chunk.length;
      await new Promise((r) => setImmediate(r));
    }
    expect(s.closed()).toBe('the viewer closed the console');
    // What the server still holds for this viewer is bounded by the cap plus the chunk in flight, not by what was pushed.
    expect(serverSide!.writableLength).toBeLessThan(256 * 1024 + 2 * chunk.length + 1024);
    expect(pushed).toBeGreaterThan(serverSide!.writableLength);
    // Behind the data it did get, the viewer finds the close frame with the reason.
    socket.resume();
    expect(await closeFrameOf(socket)).toEqual({ code: 1008, reason: 'this viewer did not keep up (over 256 KiB waiting); reconnect' });
  });
});
