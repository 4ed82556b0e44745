// The WebSocket transport over a real socket on loopback: who may connect, what frames do, events reaching every
// socket, and a server that survives garbage. The engine behind the router is the recording test double.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Result } from '../../shared';
import type { Router } from './router';
import { createFakeEngine, type FakeEngine } from '../../testing/fake-engine';
import { startWebServer, type WebServer } from './web-server';
import { connectWsClient, type WsClient, wsUrlFor } from '../../testing/ws-client';
import { frameText, tokenMatches, WS_LIMITS } from './ws-transport';

let dir: string;
let engine: FakeEngine;
let server: WebServer;
const clients: WsClient[] = [];
const tcpSockets: Socket[] = [];

async function start(extra: { router?: Router; maxInFlight?: number; maxBuffered?: number } = {}) {
  server = await startWebServer({
    engine,
    staticDir: dir,
    router: extra.router,
    wsLimits: { maxInFlight: extra.maxInFlight, maxBuffered: extra.maxBuffered },
    log: () => {},
  });
}
async function connect(options: Parameters<typeof connectWsClient>[1] = {}) {
  const c = await connectWsClient(server.url, options);
  clients.push(c);
  return c;
}

/** An upgrade request with exactly these headers; resolves with the HTTP status (101 when accepted). */
function upgradeStatus(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port: server.port,
      path,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The next frame a raw socket receives, parsed. */
const nextFrame = (ws: WebSocket) =>
  new Promise<{ id?: number; result?: Result; event?: string; payload?: unknown }>((resolve) =>
    ws.once('message', (data) => resolve(JSON.parse(frameText(data)))),
  );

async function rawSocket() {
  const ws = new WebSocket(wsUrlFor(server.url), { origin: server.origin });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return ws;
}

/**
 * A WebSocket client on a bare TCP socket: completes the upgrade, then stops reading (`pause()`: nothing more is
 * read from the kernel, so once its receive buffer and the server's send buffer are full, the server must queue).
 * Returns the socket and the server's end of the same connection (handed over by diagnostics_channel
 * 'net.server.socket'), whose `writableLength` is what ws reports as that client's `bufferedAmount`.
 */
async function stalledClient(): Promise<{ socket: Socket; serverSide: Socket }> {
  const accepted = new Map<number, Socket>();
  const onSocket = (m: unknown) => {
    const s = (m as { socket: Socket }).socket;
    if (s.localPort === server.port && s.remotePort !== undefined) accepted.set(s.remotePort, s);
  };
  subscribe('net.server.socket', onSocket);
  const socket = tcpConnect(server.port, '127.0.0.1');
  tcpSockets.push(socket);
  try {
    await once(socket, 'connect');
    socket.write(
      `GET /ws?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nOrigin: ${server.origin}\r\n` +
        'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    const head = await new Promise<string>((resolve, reject) => {
      let got = Buffer.alloc(0);
      const onData = (d: Buffer) => {
        got = Buffer.concat([got, d]);
        const end = got.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        socket.pause();
        resolve(got.subarray(0, end).toString('latin1'));
      };
      socket.on('data', onData);
      socket.once('error', reject);
    });
    expect(head).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    const serverSide = accepted.get(socket.localPort!);
    expect(serverSide).toBeDefined();
    return { socket, serverSide: serverSide! };
  } finally {
    unsubscribe('net.server.socket', onSocket);
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cgvirt-ws-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>cgvirt</title>');
  engine = createFakeEngine();
});
afterEach(async () => {
  for (const s of tcpSockets.splice(0)) s.destroy();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('who may connect', () => {
  it('refuses a connection without the token, or with a wrong one, before the upgrade (401)', async () => {
    await start();
    await expect(connectWsClient(server.url, { token: null })).rejects.toThrow('HTTP 401');
    await expect(connectWsClient(server.url, { token: 'guess' })).rejects.toThrow('HTTP 401');
    await expect(connectWsClient(server.url, { token: server.token.slice(0, -1) })).rejects.toThrow('HTTP 401');
    await expect(connectWsClient(server.url, { token: `${server.token}x` })).rejects.toThrow('HTTP 401');
    expect(server.transport.clientCount).toBe(0);
  });

  it('refuses a foreign or missing Origin even with the right token (403)', async () => {
    await start();
    await expect(connectWsClient(server.url, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connectWsClient(server.url, { origin: `http://127.0.0.1:${server.port + 1}` })).rejects.toThrow('HTTP 403');
    await expect(connectWsClient(server.url, { origin: 'null' })).rejects.toThrow('HTTP 403');
    const ws = `/ws?token=${server.token}`;
    expect(await upgradeStatus(ws, {})).toBe(403);
    expect(await upgradeStatus(ws, { Origin: `${server.origin}.evil.example` })).toBe(403);
    expect(await upgradeStatus(ws, { Origin: server.origin })).toBe(101);
    expect(await upgradeStatus(`/other?token=${server.token}`, { Origin: server.origin })).toBe(404);
  });

  it('refuses a Host the server does not serve (a DNS-rebinding page) at the socket too (421)', async () => {
    await start();
    const ws = `/ws?token=${server.token}`;
    expect(await upgradeStatus(ws, { Origin: server.origin, Host: `rebound.example:${server.port}` })).toBe(421);
    expect(await upgradeStatus(ws, { Origin: server.origin, Host: `localhost:${server.port}` })).toBe(101);
  });

  it("accepts the page's own origins: the printed one and localhost", async () => {
    await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    const a = await connect();
    const b = await connect({ origin: `http://localhost:${server.port}` });
    expect(await a.invoke('vm:list', {})).toEqual([]);
    expect(await b.invoke('vm:list', {})).toEqual([]);
  });

  it('compares tokens exactly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('', 'abc')).toBe(false);
    expect(tokenMatches(null, 'abc')).toBe(false);
    expect(tokenMatches('', '')).toBe(false);
  });
});

describe('requests and events', () => {
  it('answers requests with the router result, and pushes engine events to every socket', async () => {
    await start();
    const a = await connect();
    const b = await connect();
    const seenA: unknown[] = [];
    const seenB: unknown[] = [];
    a.on('vm:state', (p) => seenA.push(p));
    b.on('vm:state', (p) => seenB.push(p));
    const changed = new Promise((resolve) => b.on('vm:changed', resolve));

    await a.invoke('vm:define', { name: 'web', memoryMiB: 64, vcpus: 1 });
    expect(await changed).toMatchObject({ name: 'web', info: { state: 'shutoff' } });
    const started = await a.invoke('vm:start', { name: 'web' });
    expect(started.state).toBe('running');
    const error = await a.request('vm:get', { name: 'ghost' });
    expect(error).toEqual({ ok: false, error: { code: 'NO_DOMAIN', message: "no guest named 'ghost'" } });
    // b asked nothing: a request from b after the events guarantees b has read the frames sent before it.
    await b.invoke('vm:list', {});
    expect(seenA).toEqual([{ name: 'web', state: 'running' }]);
    expect(seenB).toEqual([{ name: 'web', state: 'running' }]);
  });

  it('pushes stats ticks as they come, one message per tick', async () => {
    await start();
    const a = await connect();
    const ticks: unknown[] = [];
    a.on('stats:tick', (t) => ticks.push(t));
    engine.emit('stats:tick', { at: 1, guests: [{ name: 'web', cpuPercent: 50, cpuTimeUs: 10, memoryBytes: 1 }] });
    engine.emit('stats:tick', { at: 2, guests: [] });
    await a.invoke('vm:list', {});
    expect(ticks).toEqual([
      { at: 1, guests: [{ name: 'web', cpuPercent: 50, cpuTimeUs: 10, memoryBytes: 1 }] },
      { at: 2, guests: [] },
    ]);
  });

  it('loses nothing when a tab closes: the next page sees the same engine state', async () => {
    await start();
    const first = await connect();
    await first.invoke('vm:define', { name: 'kept', memoryMiB: 64, vcpus: 1 });
    await first.close();
    const second = await connect();
    expect((await second.invoke('vm:list', {})).map((v) => v.definition.name)).toEqual(['kept']);
    expect(server.transport.clientCount).toBe(1);
  });

  it('treats a frame without payload as an empty request (JSON drops undefined)', async () => {
    await start();
    const ws = await rawSocket();
    const reply = nextFrame(ws);
    ws.send(JSON.stringify({ id: 7, channel: 'vm:list' }));
    expect(await reply).toEqual({ id: 7, result: { ok: true, value: [] } });
    ws.close();
  });

  it('answers at most maxInFlight unanswered requests per socket and refuses the rest', async () => {
    const release: (() => void)[] = [];
    const slow: Router = {
      handle: () => new Promise<Result>((resolve) => release.push(() => resolve({ ok: true, value: [] }))),
    };
    server = await startWebServer({ engine, staticDir: dir, router: slow, log: () => {} });
    const a = await connect();
    const pending = Array.from({ length: 256 }, () => a.request('vm:list', {}));
    const refused = await a.request('vm:list', {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'OPERATION_FAILED' } });
    release.forEach((r) => r());
    expect((await Promise.all(pending)).every((r) => r.ok)).toBe(true);
  });

  it('takes the in-flight limit from the option: per socket, refusing beyond it, answering again once replies are out', async () => {
    let hold = true;
    const release: (() => void)[] = [];
    const slow: Router = {
      handle: () =>
        hold ? new Promise<Result>((resolve) => release.push(() => resolve({ ok: true, value: [] }))) : Promise.resolve({ ok: true, value: [] }),
    };
    await start({ router: slow, maxInFlight: 3 });
    const a = await connect();
    const b = await connect();
    const pending = Array.from({ length: 3 }, () => a.request('vm:list', {}));
    for (const p of pending) p.catch(() => {}); // awaited below; when an assertion fails first, they reject at close
    // The refusal comes at once, without the router (a request let through would wait for `release`).
    const noAnswer = new Promise<string>((resolve) => setTimeout(() => resolve('no answer within 2 s'), 2000));
    expect(await Promise.race([a.request('vm:list', {}), noAnswer])).toEqual({
      ok: false,
      error: { code: 'OPERATION_FAILED', message: 'too many requests in flight (3); wait for replies before sending more' },
    });
    // The limit is a socket's: b's request reaches the router while a is full.
    const fromB = b.request('vm:list', {});
    await expect.poll(() => release.length).toBe(4);
    hold = false;
    release.forEach((r) => r());
    expect(await Promise.all([...pending, fromB])).toEqual(Array(4).fill({ ok: true, value: [] }));
    expect(await a.request('vm:list', {})).toEqual({ ok: true, value: [] });
  });

  // A client that stops reading: once more than maxBuffered bytes wait in the server's queue for it, the next frame
  // to it terminates it instead; a client that reads gets every frame and stays. Frames of 256 KiB, each pushed once
  // the reading client has the previous one (so its queue is empty at every send). The server's queue for the stalled
  // client is read just before each push: the cut-off must come at the first push that finds more than the limit.
  it.each([
    { what: 'the option', maxBuffered: 512 << 10, limit: 512 << 10 },
    { what: 'the default (16 MiB)', maxBuffered: undefined, limit: 16 << 20 },
  ])('cuts off a client that stops reading once more than the limit is queued to it ($what); a reading client stays', async ({ maxBuffered, limit }) => {
    expect(WS_LIMITS.maxBuffered).toBe(16 << 20);
    await start({ maxBuffered });
    const reader = await connect();
    const seen: number[] = [];
    let arrived: (n: number) => void = () => {};
    let lost: (e: Error) => void = () => {};
    reader.on('vm:state', (p) => {
      seen.push(Number(p.name.split(':')[0]));
      arrived(seen.length);
    });
    reader.socket.on('close', () => lost(new Error('the reading client was disconnected')));
    const stalled = await stalledClient();
    expect(server.transport.clientCount).toBe(2);

    const filler = 'x'.repeat(256 << 10);
    const queuedBefore: number[] = [];
    const maxPushes = Math.ceil((limit + (64 << 20)) / filler.length);
    for (let i = 0; !stalled.serverSide.destroyed; i++) {
      if (i >= maxPushes) throw new Error(`still connected after ${i} frames: queued ${stalled.serverSide.writableLength} bytes`);
      queuedBefore.push(stalled.serverSide.writableLength);
      const got = new Promise<number>((resolve, reject) => ((arrived = resolve), (lost = reject)));
      engine.emit('vm:state', { name: `${i}:${filler}`, state: 'running' });
      expect(await got).toBe(i + 1);
    }
    const cut = queuedBefore.length - 1;
    // Not at once: frames were queued to it first, and the cut-off came at the first push finding more than the limit.
    expect(cut).toBeGreaterThan(0);
    expect(queuedBefore.slice(0, cut).filter((q) => q > limit)).toEqual([]);
    expect(queuedBefore[cut]).toBeGreaterThan(limit);
    expect(queuedBefore[cut]).toBeLessThanOrEqual(limit + filler.length + 1024);
    await expect.poll(() => server.transport.clientCount).toBe(1);

    // The stalled client, reading again, finds its connection closed; the reader has every frame and keeps working.
    const closed = once(stalled.socket, 'close');
    stalled.socket.on('error', () => {});
    stalled.socket.resume();
    await closed;
    expect(seen).toEqual(Array.from({ length: cut + 1 }, (_, i) => i));
    expect(await reader.invoke('vm:list', {})).toEqual([]);
    expect(server.transport.clientCount).toBe(1);
  });
});

describe('a server that survives garbage', () => {
  it('answers a malformed frame that has an id with INVALID_ARG, drops the rest, and keeps serving the socket', async () => {
    await start();
    const ws = await rawSocket();
    const replies: unknown[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(frameText(d))));
    ws.send('not json');
    ws.send('{"id": 1, "channel": ');
    ws.send(Buffer.from([0, 1, 2, 3]), { binary: true });
    ws.send('[1,2,3]');
    ws.send('null');
    ws.send('"vm:list"');
    ws.send(JSON.stringify({ id: -1, channel: 'vm:list', payload: {} }));
    ws.send(JSON.stringify({ id: 'x', channel: 'vm:list', payload: {} }));
    ws.send(JSON.stringify({ id: 2, channel: 42, payload: {} }));
    ws.send(JSON.stringify({ id: 3, channel: 'vm:list', payload: {}, extra: true }));
    ws.send('{"id": 4, "channel": "vm:list", "payload": {}, "__proto__": {"polluted": 1}}');
    ws.send(JSON.stringify({ id: 5, channel: 'x'.repeat(1000), payload: {} }));
    ws.send(JSON.stringify({ id: 6, channel: 'vm:nope', payload: {} }));
    const last = new Promise((resolve) => ws.on('message', (d) => JSON.parse(frameText(d)).id === 9 && resolve(null)));
    ws.send(JSON.stringify({ id: 9, channel: 'vm:list', payload: {} }));
    await last;
    expect(replies).toEqual([
      { id: 2, result: { ok: false, error: { code: 'INVALID_ARG', message: 'malformed request frame: channel: must be a string, not 42' } } },
      {
        id: 3,
        result: {
          ok: false,
          error: { code: 'INVALID_ARG', message: "malformed request frame: frame: unknown field 'extra'; allowed: id, channel, payload" },
        },
      },
      {
        id: 4,
        result: {
          ok: false,
          error: { code: 'INVALID_ARG', message: "malformed request frame: frame: unknown field '__proto__'; allowed: id, channel, payload" },
        },
      },
      { id: 5, result: { ok: false, error: { code: 'INVALID_ARG', message: 'malformed request frame: channel: must be at most 64 character(s) long' } } },
      { id: 6, result: { ok: false, error: { code: 'INVALID_ARG', message: "unknown channel 'vm:nope'" } } },
      { id: 9, result: { ok: true, value: [] } },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    ws.close();
  });

  it('closes only the socket that sends an oversized frame (1009); others keep working', async () => {
    await start();
    const good = await connect();
    const ws = await rawSocket();
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('error', () => {});
    ws.send(JSON.stringify({ id: 1, channel: 'vm:get', payload: { name: 'x'.repeat(5 << 20) } }));
    expect(await closed).toBe(1009);
    expect(await good.invoke('vm:list', {})).toEqual([]);
    const again = await connect();
    expect(await again.invoke('host:info', {})).toMatchObject({ accel: 'tcg' });
  });

  it('keeps serving after a socket vanishes mid-request', async () => {
    await start();
    const ws = await rawSocket();
    ws.send(JSON.stringify({ id: 1, channel: 'vm:list', payload: {} }));
    ws.terminate();
    engine.emit('vm:state', { name: 'web', state: 'running' });
    const c = await connect();
    expect(await c.invoke('vm:list', {})).toEqual([]);
  });
});

describe('closing the transport', () => {
  it('unsubscribes from the engine and closes every socket', async () => {
    await start();
    expect(engine.listenerCount()).toBe(4);
    const c = await connect();
    const closed = new Promise((resolve) => c.socket.on('close', resolve));
    await server.close();
    await closed;
    expect(engine.listenerCount()).toBe(0);
    expect(server.transport.clientCount).toBe(0);
    expect(() => engine.emit('vm:state', { name: 'x', state: 'running' })).not.toThrow();
  });
});
