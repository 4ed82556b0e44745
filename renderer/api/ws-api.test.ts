// The web transport against a real WebSocket server on loopback (the `ws` package, as `serve` uses). The client socket
// is `ws`'s browser-compatible WebSocket: the jsdom environment's global one (undici's) cannot dispatch its events under
// jsdom's Event class.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as WsClient, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { ApiError, type VmInfo } from '../../shared';
import { createActions } from '../store/actions';
import { connectStore } from '../store/connect';
import { createAppStore } from '../store/store';
import { createApiClient } from './client';
import { guest } from '../../testing/fixtures';
import { createWsApi, type WsApi } from './ws-api';

interface Frame {
  id: number;
  channel: string;
  payload: unknown;
}

interface TestServer {
  url: string;
  port: number;
  frames: Frame[];
  sockets: Set<ServerSocket>;
  paths: string[];
  /** Pushes a frame to every connected client. */
  push(frame: unknown): void;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A loopback server that answers each request with `reply(frame, socket)`. */
async function startServer(reply: (f: Frame, socket: ServerSocket) => void, port = 0): Promise<TestServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const actual = (wss.address() as { port: number }).port;
  const server: TestServer = {
    url: `ws://127.0.0.1:${actual}/ws?token=t0k3n`,
    port: actual,
    frames: [],
    sockets: new Set(),
    paths: [],
    push: (frame) => server.sockets.forEach((s) => s.send(JSON.stringify(frame))),
    close: () =>
      new Promise<void>((resolve) => {
        server.sockets.forEach((s) => s.terminate());
        wss.close(() => resolve());
      }),
  };
  wss.on('connection', (socket, req) => {
    server.sockets.add(socket);
    server.paths.push(req.url ?? '');
    socket.on('close', () => server.sockets.delete(socket));
    socket.on('message', (data) => {
      const f = JSON.parse((data as Buffer).toString('utf8')) as Frame;
      server.frames.push(f);
      reply(f, socket);
    });
  });
  cleanups.push(() => server.close());
  return server;
}

/** `result` is a Result, or something malformed on purpose. */
const answer = (socket: ServerSocket, id: number, result: unknown) => socket.send(JSON.stringify({ id, result }));

const PageWebSocket = WsClient as unknown as new (url: string) => WebSocket;
const options = { WebSocket: PageWebSocket, backoffMs: () => 20 };

function client(url: string): WsApi {
  const api = createWsApi(url, options);
  cleanups.push(() => api.close());
  return api;
}

const opened = (api: WsApi, opens = 1) => vi.waitFor(() => expect(api.status()).toMatchObject({ state: 'open', opens }), { timeout: 5000 });

describe('WebSocket page API', () => {
  it('sends {id, channel, payload} and resolves with the reply’s value', async () => {
    const server = await startServer((f, s) => answer(s, f.id, { ok: true, value: { echo: f.payload, channel: f.channel } }));
    const api = client(server.url);
    // Called before the socket is open: queued, then sent.
    const reply = await api.invoke('vm:get', { name: 'web' });
    expect(reply).toEqual({ echo: { name: 'web' }, channel: 'vm:get' });
    expect(server.frames).toEqual([{ id: 1, channel: 'vm:get', payload: { name: 'web' } }]);
    expect(server.paths).toEqual(['/ws?token=t0k3n']);
  });

  it('matches replies to requests by id, whatever their order', async () => {
    const held: [Frame, ServerSocket][] = [];
    const server = await startServer((f, s) => {
      held.push([f, s]);
      if (held.length === 2) for (const [frame, sock] of held.reverse()) answer(sock, frame.id, { ok: true, value: frame.payload });
    });
    const api = client(server.url);
    const [a, b] = await Promise.all([api.invoke('vm:get', { name: 'a' }), api.invoke('vm:get', { name: 'b' })]);
    expect([a, b]).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(server.frames.map((f) => f.id)).toEqual([1, 2]);
  });

  it('rejects with an ApiError carrying the engine’s code and words', async () => {
    const server = await startServer((f, s) => answer(s, f.id, { ok: false, error: { code: 'NO_DOMAIN', message: "no guest named 'ghost'" } }));
    const api = client(server.url);
    const err = await api.invoke('vm:start', { name: 'ghost' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'NO_DOMAIN', message: "no guest named 'ghost'" });
  });

  it('turns a malformed reply into an INTERNAL error instead of a hang', async () => {
    const server = await startServer((f, s) => answer(s, f.id, { ok: 'maybe' }));
    const api = client(server.url);
    await expect(api.invoke('host:info', {})).rejects.toMatchObject({ code: 'INTERNAL', message: "the engine sent a malformed reply to 'host:info'" });
  });

  it('delivers pushed events to their listeners until unsubscribed, and ignores unknown ones', async () => {
    const server = await startServer(() => {});
    const api = client(server.url);
    const seen: unknown[] = [];
    const off = api.on('vm:state', (e) => seen.push(e));
    const ticks: unknown[] = [];
    api.on('stats:tick', (e) => ticks.push(e));
    await opened(api);
    server.push({ event: 'bogus:event', payload: 1 });
    server.push({ event: 'vm:state', payload: { name: 'web', state: 'running' } });
    server.push({ event: 'stats:tick', payload: { at: 1, guests: [] } });
    await vi.waitFor(() => expect(ticks).toHaveLength(1));
    expect(seen).toEqual([{ name: 'web', state: 'running' }]);
    off();
    server.push({ event: 'vm:state', payload: { name: 'web', state: 'paused' } });
    server.push({ event: 'stats:tick', payload: { at: 2, guests: [] } });
    await vi.waitFor(() => expect(ticks).toHaveLength(2));
    expect(seen).toHaveLength(1);
  });

  it('fails a pending call clearly when the connection drops, then reconnects and works again', async () => {
    let drop = true;
    const server = await startServer((f, s) => {
      if (drop) s.terminate();
      else answer(s, f.id, { ok: true, value: 'fine' });
    });
    const api = client(server.url);
    const statuses: string[] = [];
    api.onStatus((st) => statuses.push(st.state));
    const err = await api.invoke('vm:start', { name: 'web' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('OPERATION_FAILED');
    expect((err as ApiError).message).toMatch(/lost the connection to the cgvirt engine before it answered 'vm:start'/);
    drop = false;
    await opened(api, 2);
    await expect(api.invoke('vm:start', { name: 'web' })).resolves.toBe('fine');
    expect(statuses).toEqual(expect.arrayContaining(['open', 'closed', 'connecting']));
  });

  it('refuses calls at once while disconnected, saying so, and connects when the engine is back', async () => {
    const first = await startServer((f, s) => answer(s, f.id, { ok: true, value: 1 }));
    const port = first.port;
    const api = client(first.url);
    await opened(api);
    await first.close();
    await vi.waitFor(() => expect(api.status().state).toBe('closed'));
    await expect(api.invoke('vm:list', {})).rejects.toMatchObject({
      code: 'OPERATION_FAILED',
      message: expect.stringMatching(/not connected to the cgvirt engine; 'vm:list' was not sent/),
    });
    expect(api.status().lastError).toMatch(/the connection to the engine closed|could not connect to the engine/);
    // The engine comes back on the same port: the backoff loop finds it.
    await startServer((f, s) => answer(s, f.id, { ok: true, value: 2 }), port);
    await opened(api, 2);
    await expect(api.invoke('vm:list', {})).resolves.toBe(2);
  });

  it('after close(), fails pending and new calls and stops reconnecting', async () => {
    const server = await startServer(() => {});
    const api = createWsApi(server.url, options);
    await opened(api);
    const pending = api.invoke('vm:list', {});
    await vi.waitFor(() => expect(server.frames).toHaveLength(1));
    api.close();
    await expect(pending).rejects.toMatchObject({ message: expect.stringMatching(/closed; 'vm:list' may or may not have been done/) });
    await expect(api.invoke('vm:list', {})).rejects.toMatchObject({ code: 'OPERATION_FAILED' });
    expect(api.status().state).toBe('closed');
  });
});

describe('console streams', () => {
  it('open a binary WebSocket on the console path of the same host, with the page’s token and the ticket', async () => {
    // Its own server: the request server above reads every frame as JSON.
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', r));
    cleanups.push(() => new Promise<void>((r) => wss.close(() => r())));
    const port = (wss.address() as { port: number }).port;
    const paths: string[] = [];
    const received: Buffer[] = [];
    wss.on('connection', (socket, req) => {
      paths.push(req.url ?? '');
      if (!req.url?.startsWith('/console?')) return;
      // As the engine's serial stream does: the scrollback first, then what the guest writes.
      socket.send(Buffer.from('boot\r\n'));
      socket.on('message', (data) => {
        received.push(data as Buffer);
        socket.send(Buffer.concat([Buffer.from('echo:'), data as Buffer]));
      });
    });
    const api = client(`ws://127.0.0.1:${port}/ws?token=t%2B0k`);
    const channel = api.openConsole('tk/1=2');
    cleanups.push(() => channel.close());
    expect(channel.binaryType).toBe('arraybuffer');
    const messages: (ArrayBuffer | string)[] = [];
    channel.onmessage = (e) => messages.push(e.data);
    await new Promise<void>((r) => (channel.onopen = () => r()));
    channel.send(new TextEncoder().encode('ls\r'));
    await vi.waitFor(() => expect(messages).toHaveLength(2));
    const text = messages.map((m) => (typeof m === 'string' ? `string ${m}` : new TextDecoder().decode(m)));
    expect(text).toEqual(['boot\r\n', 'echo:ls\r']);
    expect(received.map((b) => b.toString('utf8'))).toEqual(['ls\r']);
    expect(paths).toContain(`/console?token=t%2B0k&ticket=${encodeURIComponent('tk/1=2')}`);
    const closed = new Promise<{ code?: number }>((r) => (channel.onclose = (e) => r(e)));
    wss.clients.forEach((s) => s.close(1000, 'guest stopped'));
    await expect(closed).resolves.toMatchObject({ code: 1000 });
  });
});

describe('store over the WebSocket', () => {
  const info = (name: string, state: VmInfo['state']): VmInfo => guest(name, state);

  it('loads on connect, follows pushed events, and loads again after a reconnect', async () => {
    let guests = [info('web', 'shutoff')];
    let lists = 0;
    const server = await startServer((f, s) => {
      if (f.channel === 'vm:list') lists++;
      const value =
        f.channel === 'vm:list'
          ? guests
          : {
              cgroup: { mode: 'v1', writable: true, partition: '/cgvirt', controllers: [] },
              privileged: true,
              qemu: { path: null },
              accel: 'tcg',
              cpus: 2,
              features: {},
            };
      answer(s, f.id, { ok: true, value });
    });
    const api = client(server.url);
    const store = createAppStore();
    const c = createApiClient(api, api);
    const disconnect = connectStore(c, store, createActions(c, store));
    cleanups.push(disconnect);

    await vi.waitFor(() => expect(store.getState().names).toEqual(['web']));
    server.push({ event: 'vm:state', payload: { name: 'web', state: 'running' } });
    await vi.waitFor(() => expect(store.getState().vms.web!.state).toBe('running'));
    server.push({ event: 'stats:tick', payload: { at: 1000, guests: [{ name: 'web', cpuPercent: 99, cpuTimeUs: 1, memoryBytes: 2 }] } });
    await vi.waitFor(() => expect(store.getState().stats.web?.cpuPercent).toBe(99));

    // Events sent while the socket is down are lost: after reconnecting, the list is fetched again.
    guests = [info('web', 'shutoff'), info('db', 'running')];
    server.sockets.forEach((s) => s.terminate());
    await vi.waitFor(() => expect(store.getState().names).toEqual(['db', 'web']), { timeout: 5000 });
    expect(lists).toBe(2);
    expect(store.getState().vms.web!.state).toBe('shutoff');
    expect(store.getState().connection).toMatchObject({ state: 'open', opens: 2 });
  });
});
