// The preload's page API over a stand-in ipcRenderer (the preload itself only hands it to contextBridge), and the
// page's half, run as Electron runs it: from its source text, in a context of its own.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileFunction, createContext, runInContext } from 'node:vm';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { toApiError, type CgvirtApi, type ConsoleChannel } from '../shared';
import { createBridgeApi, installPageApi, type IpcRendererLike, type PortLike } from './bridge';
import { CONSOLE_CHANNEL, EVENT_CHANNEL, INVOKE_CHANNEL } from './ipc/ipc-channels';
import { pipeConsoleToPort, type MainPortLike } from './ipc/electron-transport';
import type { ConsoleStream } from './engine/api';

function fakeIpc(reply: unknown) {
  const sent: unknown[][] = [];
  const posted: [string, unknown, PortLike[]][] = [];
  let eventListener: ((event: unknown, ...args: unknown[]) => void) | null = null;
  const ipc: IpcRendererLike = {
    invoke: async (...args) => {
      sent.push(args);
      return reply;
    },
    on: (channel, listener) => {
      expect(channel).toBe(EVENT_CHANNEL);
      eventListener = listener;
    },
    postMessage: (channel, message, transfer) => void posted.push([channel, message, transfer]),
  };
  const push = (...args: unknown[]) => eventListener!({ sender: 'the ipcRenderer itself' }, ...args);
  return { ipc, sent, push, posted };
}

describe('the preload bridge', () => {
  it('invoke sends (channel, payload) on cgvirt:invoke and resolves with the value', async () => {
    const { ipc, sent } = fakeIpc({ ok: true, value: [1] });
    expect(await createBridgeApi(ipc).invoke('vm:list', {})).toEqual([1]);
    expect(sent).toEqual([[INVOKE_CHANNEL, 'vm:list', {}]]);
  });

  it('invoke rejects with an Error whose message carries the code, which toApiError reads back', async () => {
    const { ipc } = fakeIpc({ ok: false, error: { code: 'NO_DOMAIN', message: "no guest named 'x'" } });
    const error = await createBridgeApi(ipc)
      .invoke('vm:get', { name: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("[NO_DOMAIN] no guest named 'x'");
    // What the renderer sees after contextBridge and Electron's own prefix:
    const crossed = new Error(`Error invoking remote method 'cgvirt:invoke': ${(error as Error).message}`);
    expect(toApiError(crossed)).toMatchObject({ code: 'NO_DOMAIN', message: "no guest named 'x'" });
  });

  it('on delivers the payload only (never the IPC event), and unsubscribes', () => {
    const { ipc, push } = fakeIpc(null);
    const api = createBridgeApi(ipc);
    const got: unknown[][] = [];
    const off = api.on('vm:state', (...args: unknown[]) => got.push(args));
    push('vm:state', { name: 'web', state: 'running' });
    push('stats:tick', { at: 1, guests: [] });
    push('not-an-event', {});
    off();
    push('vm:state', { name: 'web', state: 'shutoff' });
    expect(got).toEqual([[{ name: 'web', state: 'running' }]]);
  });

  it('a throwing listener does not stop the others', () => {
    const { ipc, push } = fakeIpc(null);
    const api = createBridgeApi(ipc);
    const got: unknown[] = [];
    api.on('vm:state', () => {
      throw new Error('page bug');
    });
    api.on('vm:state', (p) => got.push(p));
    const quiet = console.error;
    console.error = () => {};
    try {
      push('vm:state', { name: 'a', state: 'paused' });
    } finally {
      console.error = quiet;
    }
    expect(got).toEqual([{ name: 'a', state: 'paused' }]);
  });

  it('refuses unknown events', () => {
    const api = createBridgeApi(fakeIpc(null).ipc);
    expect(() => api.on('bogus' as 'vm:state', () => {})).toThrow("unknown event 'bogus'");
  });

  it('the preload hands the page only invoke, on and openConsole, through installPageApi', () => {
    const preload = readFileSync(join(import.meta.dirname, 'preload.ts'), 'utf8');
    expect(preload.match(/executeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toContain('const bridge: IsolatedBridge = { invoke: api.invoke, on: api.on, openConsole: api.openConsole };');
    expect(preload).toContain('contextBridge.executeInMainWorld({ func: installPageApi, args: [bridge] });');
    expect(preload).not.toMatch(/exposeInMainWorld|exposeInIsolatedWorld|ipcRenderer\.(send|on|invoke|postMessage)|process\.|require\(/);
  });
});

/** A Node MessagePort as Electron's MessagePortMain looks to the main process: 'message' events carry `{data}`. */
function asMainPort(port: MessagePort): MainPortLike {
  return {
    postMessage: (m) => port.postMessage(m),
    on: ((event: 'message' | 'close', listener: (e?: { data: unknown }) => void) => {
      if (event === 'message') port.on('message', (data: unknown) => listener({ data }));
      else port.on('close', () => listener());
    }) as MainPortLike['on'],
    start: () => port.start(),
    close: () => port.close(),
  };
}

/** An engine stream the test drives: what the viewer wrote, and the guest's side to push bytes and end it. */
function scriptedStream() {
  const written: Buffer[] = [];
  let onData: (c: Buffer) => void = () => {};
  let onClose: (r: string) => void = () => {};
  let closed = false;
  const stream: ConsoleStream = {
    onData: (l) => void (onData = l),
    onClose: (l) => void (onClose = l),
    write: (c) => void written.push(Buffer.from(c)),
    close: () => {
      if (!closed) onClose('the viewer closed the console');
      closed = true;
    },
  };
  return { stream, written, push: (c: Buffer) => onData(c), end: (r: string) => onClose(r), closed: () => closed };
}

/** The page's world: `installPageApi` from its source text, in an empty context with the page's timers and encoder. */
function pageWorld(ipc: IpcRendererLike, ports: MessagePort[]) {
  const bridge = createBridgeApi(ipc, () => {
    const c = new MessageChannel();
    ports.push(c.port1, c.port2);
    return c as unknown as { port1: PortLike; port2: PortLike };
  });
  const world = createContext({ setTimeout, TextEncoder });
  (runInContext(`(${installPageApi.toString()})`, world) as typeof installPageApi)(bridge);
  return (world as { cgvirt: CgvirtApi }).cgvirt;
}

describe('a console in the desktop window (a MessagePort to the main process)', () => {
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(check()).toBe(true);
  };

  it('is a WebSocket-like channel: opens when the main process accepts, carries bytes both ways, ends with the reason', async () => {
    const { ipc, posted } = fakeIpc(null);
    const ports: MessagePort[] = [];
    const api = pageWorld(ipc, ports);
    try {
      const ch: ConsoleChannel = api.openConsole('t1');
      expect(ch.readyState).toBe(0);
      expect(() => ch.send('too early')).toThrow(/not open yet/);
      const events: unknown[] = [];
      ch.onopen = () => events.push('open');
      ch.onmessage = (e) => events.push(Buffer.from(e.data as ArrayBuffer).toString());
      ch.onclose = (e) => events.push(['close', e.code, e.reason]);
      expect(posted.map(([c, m]) => [c, m])).toEqual([[CONSOLE_CHANNEL, 't1']]);
      const s = scriptedStream();
      pipeConsoleToPort(s.stream, asMainPort(posted[0]![2][0] as unknown as MessagePort));
      await until(() => ch.readyState === 1);
      s.push(Buffer.from('cgvirt-echo\r\n'));
      await until(() => events.length === 2);
      ch.send('hi');
      ch.send(new Uint8Array([1, 2, 3]).subarray(1));
      await until(() => s.written.length === 2);
      expect(s.written.map((b) => [...b])).toEqual([[...Buffer.from('hi')], [2, 3]]);
      s.end('the guest stopped');
      await until(() => events.length === 3);
      expect(events).toEqual(['open', 'cgvirt-echo\r\n', ['close', 1000, 'the guest stopped']]);
      expect(ch.readyState).toBe(3);
      expect(() => ch.send('late')).toThrow(/closed/);
    } finally {
      for (const p of ports) p.close();
    }
  });

  it("closing the page's channel closes the engine's stream", async () => {
    const { ipc, posted } = fakeIpc(null);
    const ports: MessagePort[] = [];
    const api = pageWorld(ipc, ports);
    try {
      const ch = api.openConsole('t2');
      const s = scriptedStream();
      pipeConsoleToPort(s.stream, asMainPort(posted[0]![2][0] as unknown as MessagePort));
      await until(() => ch.readyState === 1);
      const closed: unknown[] = [];
      ch.onclose = (e) => closed.push(e.code);
      ch.close();
      await until(() => s.closed() && closed.length === 1);
    } finally {
      for (const p of ports) p.close();
    }
  });

  it('a page that falls behind by more than the cap is closed with the reason, and so is the stream', () => {
    const posts: unknown[] = [];
    let portClosed = false;
    const port: MainPortLike = { postMessage: (m) => posts.push(m), on: () => port, start: () => {}, close: () => void (portClosed = true) };
    const s = scriptedStream();
    pipeConsoleToPort(s.stream, port, 1000);
    for (let i = 0; i < 3; i++) s.push(Buffer.alloc(600)); // never acknowledged
    expect(posts.slice(0, 3).map((m) => (m as { kind: string }).kind)).toEqual(['open', 'data', 'data']);
    expect(posts[3]).toEqual({ kind: 'close', code: 1008, reason: 'this viewer did not keep up (over 1 KiB waiting); reconnect' });
    expect(portClosed && s.closed()).toBe(true);
  });
});

describe('the preload as the build bundles it (esbuild, CommonJS, as scripts/build.mjs)', () => {
  it('hands executeInMainWorld a function whose source alone defines window.cgvirt (the bundler kept it self-contained)', async () => {
    const { build } = await import('esbuild');
    const out = await build({
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['electron'],
      entryPoints: [join(import.meta.dirname, 'preload.ts')],
      write: false,
      logLevel: 'silent',
    });
    let executed: { func: (...a: unknown[]) => unknown; args: unknown[] } | undefined;
    const posted: unknown[][] = [];
    const electron = {
      contextBridge: { executeInMainWorld: (s: typeof executed) => void (executed = s) },
      ipcRenderer: { on: () => undefined, invoke: async () => ({ ok: true, value: 'answer' }), postMessage: (...a: unknown[]) => void posted.push(a) },
    };
    const module = { exports: {} };
    const requireStandIn = (id: string) => {
      if (id === 'electron') return electron;
      throw new Error(`the preload requires '${id}'`);
    };
    compileFunction(out.outputFiles[0]!.text, ['require', 'module', 'exports'])(requireStandIn, module, module.exports);
    const world = createContext({ setTimeout, TextEncoder });
    (runInContext(`(${executed!.func.toString()})`, world) as (...a: unknown[]) => void)(...executed!.args);
    const api = (world as { cgvirt: CgvirtApi }).cgvirt;
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on', 'openConsole']);
    expect(await api.invoke('vm:list', {})).toBe('answer');
    const ch = api.openConsole('t');
    expect(ch.readyState).toBe(0);
    expect(posted.map(([c, m]) => [c, m])).toEqual([[CONSOLE_CHANNEL, 't']]);
    ch.close();
    (posted[0]![2] as MessagePort[])[0]!.close();
  });
});
