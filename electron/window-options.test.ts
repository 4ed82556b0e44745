// The Electron window's security settings: first the values themselves, then electron/main.ts and electron/preload.ts
// run for real against a recording stand-in for the 'electron' module (testing/electron-stand-in.ts: the Electron
// binary cannot be downloaded here), asserting what they hand to Electron: the window's options, the handlers they
// register, and what those handlers do when called. (That the values fit Electron's own types is `satisfies` in
// main.ts, checked by `npm run typecheck`.)
//
// The engine main.ts starts: './engine/index' is mocked so `createEngine` resolves to `createFakeEngine()` (the
// in-memory engine of testing/fake-engine.ts) and `engineOptionsFromEnv` to fixed options. A real engine would need
// this host's cgroups and the /run lock, and nothing asserted here depends on it: the IPC handler's answers come
// from the real router over the fake engine, and quitting must close whatever engine was started.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as electron from '../testing/electron-stand-in';
import type { FakeEngine } from '../testing/fake-engine';
import { CONSOLE_CHANNEL, EVENT_CHANNEL, INVOKE_CHANNEL } from './ipc/ipc-channels';
import { blockNavigation, denyPermissionCheck, denyPermissionRequest, denyWindowOpen, WINDOW_CSP, windowOptions, withCsp } from './window-options';

const options = windowOptions({ preload: '/app/dist/electron/preload.cjs', bounds: { width: 1000, height: 700 }, devTools: false });

/** The page is untrusted: isolated from the preload, sandboxed, no Node, no webviews, no drag-and-drop navigation. */
const HARDENED = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
};

describe('the BrowserWindow options', () => {
  it('isolate and sandbox the page, with no Node anywhere', () => {
    expect(options.webPreferences).toMatchObject({
      ...HARDENED,
      devTools: false,
    });
    expect(options.webPreferences.preload).toBe('/app/dist/electron/preload.cjs');
    expect(options).toMatchObject({ width: 1000, height: 700, show: false });
  });

  it('set a strict CSP: own scripts and styles only, no inline code, no framing, no remote connections', () => {
    const directives = new Map(WINDOW_CSP.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(WINDOW_CSP).not.toMatch(/unsafe|\*|http:|https:|ws:/);
    expect(withCsp({ 'content-security-policy': ['default-src *'], 'X-Other': 'v' })).toEqual({
      'X-Other': ['v'],
      'Content-Security-Policy': [WINDOW_CSP],
    });
  });

  it('deny new windows, navigation and every permission', () => {
    expect(denyWindowOpen()).toEqual({ action: 'deny' });
    let prevented = false;
    blockNavigation({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    let granted: boolean | undefined;
    denyPermissionRequest(null, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
    expect(denyPermissionCheck()).toBe(false);
  });
});

vi.mock('electron', () => import('../testing/electron-stand-in'));

const started = vi.hoisted(() => ({ engines: [] as FakeEngine[], createArgs: [] as unknown[][], envArgs: [] as unknown[][] }));
vi.mock('./engine/index', async () => {
  const { createFakeEngine } = await import('../testing/fake-engine');
  return {
    engineOptionsFromEnv: (...args: unknown[]) => {
      started.envArgs.push(args);
      return { configDir: '/nonexistent/cgvirt-config', runtimeDir: '/nonexistent/cgvirt-run' };
    },
    createEngine: async (...args: unknown[]) => {
      started.createArgs.push(args);
      const engine = createFakeEngine();
      started.engines.push(engine);
      return engine;
    },
  };
});

const { app, BrowserWindow, ipcMain, session, Menu, screen, contextBridge, ipcRenderer, callNames, fireReady } = electron;

// Where main.ts (electron/main.ts) puts its page and preload: beside it, as in dist/electron/ after the build.
const indexHtml = join(import.meta.dirname, '..', 'renderer', 'index.html');
const pageUrl = pathToFileURL(indexHtml).href;
const preloadPath = join(import.meta.dirname, 'preload.cjs');
const REFUSED = 'cgvirt: refused an IPC request from a frame that is not the cgvirt page';

describe('main.ts, run against the Electron stand-in', () => {
  let userData: string;
  let win: InstanceType<typeof BrowserWindow>;
  let engine: FakeEngine;
  let beforeReady: string[];

  beforeAll(async () => {
    userData = mkdtempSync(join(tmpdir(), 'cgvirt-main-'));
    app.paths.userData = userData;
    // A saved window on a screen that still exists: main.ts must open it there, maximized.
    writeFileSync(join(userData, 'window-state.json'), JSON.stringify({ x: 40, y: 30, width: 1000, height: 700, maximized: true }));
    screen.displays = [
      { id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } },
      { id: 2, workArea: { x: 1920, y: 0, width: 1280, height: 1024 } },
    ];
    await import('./main');
    beforeReady = callNames();
    fireReady();
    // Ready is done once the window has been told what to load (loadFile or, wrongly, loadURL).
    await vi.waitFor(() => expect(BrowserWindow.instances.flatMap((w) => [...w.loadFileCalls, ...w.loadURLCalls])).not.toEqual([]));
    win = BrowserWindow.instances[0]!;
    engine = started.engines[0]!;
  });
  afterAll(() => rmSync(userData, { recursive: true, force: true }));

  it('sandboxes every renderer before Electron is ready, and creates no window before then', () => {
    expect(beforeReady.filter((c) => c === 'app.enableSandbox')).toHaveLength(1);
    expect(beforeReady).not.toContain('new BrowserWindow');
    const order = callNames();
    expect(order.filter((c) => c === 'app.enableSandbox')).toHaveLength(1);
    expect(order.indexOf('app.enableSandbox')).toBeLessThan(order.indexOf('(ready)'));
    expect(order.indexOf('app.enableSandbox')).toBeLessThan(order.indexOf('new BrowserWindow'));
    // One engine per state dir: the lock is asked for before anything is registered on ready.
    expect(order.indexOf('app.requestSingleInstanceLock')).toBeLessThan(order.indexOf('app.whenReady'));
  });

  it('creates exactly one window, with exactly the options of windowOptions: isolated, sandboxed, no Node', () => {
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(win.options).toEqual(windowOptions({ preload: preloadPath, bounds: { x: 40, y: 30, width: 1000, height: 700 }, devTools: !app.isPackaged }));
    expect((win.options as { webPreferences: unknown }).webPreferences).toEqual({
      preload: preloadPath,
      ...HARDENED,
      safeDialogs: true,
      spellcheck: false,
      devTools: true, // not packaged
    });
    expect(win.maximized).toBe(true);
    expect(win.shown).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
  });

  it('loads only our index.html, never a URL', () => {
    expect(win.loadFileCalls).toEqual([[indexHtml]]);
    expect(win.loadURLCalls).toEqual([]);
    expect(callNames()).not.toContain('BrowserWindow.loadURL');
  });

  it('guards every webContents: no window opens, no navigation, redirect or webview attaches', () => {
    const created = app.listenersOf('web-contents-created');
    expect(created).toHaveLength(1);
    const check = (contents: InstanceType<typeof electron.WebContents>) => {
      expect(contents.windowOpenHandler).not.toBeNull();
      expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
      expect(contents.windowOpenHandler!({ url: pageUrl })).toEqual({ action: 'deny' });
      for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
        const listeners = contents.listenersOf(event);
        expect(listeners, event).toHaveLength(1);
        const preventDefault = vi.fn();
        contents.emit(event, { preventDefault }, 'https://evil.example/');
        expect(preventDefault, event).toHaveBeenCalledOnce();
      }
    };
    // A webContents nobody asked for (what a bug might create), handed to the registered handler.
    const stray = new electron.WebContents();
    (created[0] as (event: unknown, contents: unknown) => void)({ preventDefault() {} }, stray);
    check(stray);
    // And the window's own, announced by the stand-in as Electron does.
    check(win.webContents);
  });

  it('denies every permission request and check with the deny functions themselves', () => {
    const { permissionRequestHandler, permissionCheckHandler } = session.defaultSession;
    expect(permissionRequestHandler).toBe(denyPermissionRequest);
    expect(permissionCheckHandler).toBe(denyPermissionCheck);
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      (permissionRequestHandler as (wc: unknown, p: string, cb: (g: boolean) => void) => void)(win.webContents, permission, callback);
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
      expect((permissionCheckHandler as (wc: unknown, p: string) => boolean)(win.webContents, permission)).toBe(false);
    }
  });

  it('replaces the CSP of every response with ours', () => {
    const listeners = session.defaultSession.headersReceived;
    expect(listeners).toHaveLength(1);
    const onHeaders = listeners[0] as (details: unknown, callback: (response: unknown) => void) => void;
    const callback = vi.fn();
    onHeaders({ url: pageUrl, responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': 'v' } }, callback);
    expect(callback).toHaveBeenCalledExactlyOnceWith({
      responseHeaders: { 'X-Other': ['v'], 'Content-Security-Policy': [WINDOW_CSP] },
    });
    const bare = vi.fn();
    onHeaders({ url: pageUrl }, bare);
    expect(bare).toHaveBeenCalledExactlyOnceWith({ responseHeaders: { 'Content-Security-Policy': [WINDOW_CSP] } });
  });

  it('starts one engine with the options from the environment', () => {
    expect(started.envArgs).toEqual([[process.env]]);
    expect(started.createArgs).toHaveLength(1);
    expect(started.createArgs[0]![0]).toEqual({ configDir: '/nonexistent/cgvirt-config', runtimeDir: '/nonexistent/cgvirt-run' });
    expect(started.engines).toHaveLength(1);
    expect(callNames()).not.toContain('dialog.showErrorBox');
    expect(Menu.applicationMenu).toBe(Menu.built[0]);
  });

  it('registers exactly one IPC handler, on the invoke channel, and one listener, on the console channel', () => {
    expect(ipcMain.handlers.map((h) => [h.method, h.channel])).toEqual([['handle', INVOKE_CHANNEL]]);
    expect(ipcMain.registrations.map((r) => [r.method, r.event])).toEqual([['on', CONSOLE_CHANNEL]]);
    expect(callNames().filter((c) => c.startsWith('ipcMain.'))).toEqual(['ipcMain.handle', 'ipcMain.on']);
  });

  describe('the console listener', () => {
    type Listener = (event: unknown, ticket: unknown) => void;
    const listener = () => ipcMain.listenersOf(CONSOLE_CHANNEL)[0] as unknown as Listener;
    const port = () => {
      const posted: unknown[] = [];
      let closed = false;
      return {
        posted,
        closed: () => closed,
        postMessage: (m: unknown) => posted.push(m),
        on: () => {},
        start: () => {},
        close: () => void (closed = true),
      };
    };

    it("hands our page's ticket to the engine and closes the port with the engine's refusal", async () => {
      const p = port();
      listener()({ sender: { id: win.webContents.id }, senderFrame: { url: pageUrl, ...win.webContents.mainFrame }, ports: [p] }, 'a-ticket');
      await vi.waitFor(() => expect(p.closed()).toBe(true));
      expect(engine.calls.filter((c) => c.method === 'openConsole').map((c) => c.args)).toEqual([['a-ticket']]);
      expect(p.posted).toEqual([{ kind: 'close', code: 1008, reason: 'the fake engine does not stream consoles' }]);
    });

    it('closes the port of any other sender without asking the engine', () => {
      const p = port();
      const before = engine.calls.length;
      listener()({ sender: { id: win.webContents.id + 100 }, senderFrame: { url: pageUrl, ...win.webContents.mainFrame }, ports: [p] }, 'a-ticket');
      expect(p.closed()).toBe(true);
      expect(p.posted).toEqual([]);
      expect(engine.calls.length).toBe(before);
    });
  });

  describe('the invoke handler', () => {
    type Handler = (event: unknown, channel: unknown, payload: unknown) => Promise<unknown>;
    const handler = () => ipcMain.handlers[0]!.listener as unknown as Handler;
    const fromFrame = (frame: Partial<{ url: string; processId: number; routingId: number }> | null, senderId = win.webContents.id) => ({
      sender: { id: senderId },
      senderFrame: frame === null ? null : { url: pageUrl, ...win.webContents.mainFrame, ...frame },
    });

    it("answers our page's main frame with the router's result", async () => {
      expect(await handler()(fromFrame({}), 'vm:list', {})).toEqual({ ok: true, value: [] });
      expect(await handler()(fromFrame({ url: `${pageUrl}#/vm/web` }), 'vm:list', {})).toEqual({ ok: true, value: [] });
      expect(await handler()(fromFrame({}), 'vm:nope', {})).toMatchObject({ ok: false, error: { code: 'INVALID_ARG' } });
    });

    it('refuses any other sender, and a refused request does nothing', async () => {
      const { processId, routingId } = win.webContents.mainFrame;
      const strangers = [
        fromFrame({ routingId: routingId + 1 }), // a subframe of our window
        fromFrame({ processId: processId + 1 }),
        fromFrame({}, win.webContents.id + 100), // another webContents
        fromFrame({ url: 'https://evil.example/index.html' }),
        fromFrame({ url: 'file:///tmp/evil/index.html' }),
        fromFrame({ url: pageUrl.replace('index.html', 'other.html') }),
        fromFrame(null),
      ];
      for (const event of strangers) {
        await expect(handler()(event, 'vm:define', { name: 'evil', memoryMiB: 64, vcpus: 1 })).rejects.toThrow(REFUSED);
      }
      expect(await handler()(fromFrame({}), 'vm:list', {})).toEqual({ ok: true, value: [] });
    });

    it('reads the main frame at each message: after a navigation replaced it, only the new frame is ours', async () => {
      const old = { ...win.webContents.mainFrame };
      win.webContents.mainFrame = { processId: old.processId + 7, routingId: old.routingId + 3 };
      await expect(handler()(fromFrame(old), 'vm:list', {})).rejects.toThrow(REFUSED);
      expect(await handler()(fromFrame({}), 'vm:list', {})).toEqual({ ok: true, value: [] });
    });
  });

  it('closes the engine once before quitting: will-quit waits for it, then quits', async () => {
    const close = vi.spyOn(engine, 'close');
    const first = { preventDefault: vi.fn() };
    app.emit('will-quit', first);
    expect(first.preventDefault).toHaveBeenCalledOnce();
    const again = { preventDefault: vi.fn() };
    app.emit('will-quit', again); // while closing: still held
    expect(again.preventDefault).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(callNames().filter((c) => c === 'app.quit')).toHaveLength(1));
    expect(close).toHaveBeenCalledOnce();
    const last = { preventDefault: vi.fn() };
    app.emit('will-quit', last); // the quit after close goes through
    expect(last.preventDefault).not.toHaveBeenCalled();
    expect(close).toHaveBeenCalledOnce();
  });

  it('trusts nothing once the window is gone', async () => {
    const event = { sender: { id: win.webContents.id }, senderFrame: { url: pageUrl, ...win.webContents.mainFrame } };
    const h = ipcMain.handlers[0]!.listener as unknown as (e: unknown, c: unknown, p: unknown) => Promise<unknown>;
    expect(await h(event, 'vm:list', {})).toEqual({ ok: true, value: [] });
    win.destroy();
    await expect(h(event, 'vm:list', {})).rejects.toThrow(REFUSED);
  });
});

describe('preload.ts, run against the Electron stand-in', () => {
  beforeAll(async () => {
    await import('./preload');
  });

  /** The page's world as Electron gives it: the function's source run in a context of its own, with the preload's args. */
  const pageWorld = () => {
    expect(contextBridge.executed).toHaveLength(1);
    const { func, args } = contextBridge.executed[0]!;
    const world = createContext({ setTimeout, TextEncoder });
    (runInContext(`(${func.toString()})`, world) as (...a: unknown[]) => void)(...args);
    return world as { cgvirt?: unknown };
  };

  it('defines exactly one object in the page, window.cgvirt, with exactly invoke, on and openConsole', () => {
    expect(contextBridge.exposed).toEqual([]);
    const [bridge] = contextBridge.executed[0]!.args;
    expect(Object.keys(bridge as object).sort()).toEqual(['invoke', 'on', 'openConsole']);
    expect(Object.values(bridge as object).every((v) => typeof v === 'function')).toBe(true);
    const world = pageWorld();
    expect(Object.keys(world.cgvirt as object).sort()).toEqual(['invoke', 'on', 'openConsole']);
    expect(Object.isFrozen(world.cgvirt)).toBe(true);
    expect(Object.getOwnPropertyDescriptor(world, 'cgvirt')).toMatchObject({ writable: false, configurable: false });
  });

  it('talks on the three cgvirt channels only: invoke on cgvirt:invoke, events from cgvirt:event, consoles on cgvirt:console', async () => {
    const api = pageWorld().cgvirt as {
      invoke: (c: string, p: unknown) => Promise<unknown>;
      on: (e: string, l: (p: unknown) => void) => () => void;
      openConsole: (ticket: string) => { close(): void };
    };
    expect(ipcRenderer.registrations.map((r) => [r.method, r.event])).toEqual([['on', EVENT_CHANNEL]]);
    ipcRenderer.answer = () => ({ ok: true, value: [{ name: 'web' }] });
    expect(await api.invoke('vm:list', {})).toEqual([{ name: 'web' }]);
    expect(ipcRenderer.invoked).toEqual([[INVOKE_CHANNEL, 'vm:list', {}]]);
    const seen: unknown[] = [];
    api.on('vm:state', (p) => seen.push(p));
    ipcRenderer.emit(EVENT_CHANNEL, { sender: ipcRenderer }, 'vm:state', { name: 'web', state: 'running' });
    expect(seen).toEqual([{ name: 'web', state: 'running' }]);
    const ch = api.openConsole('a-ticket');
    expect(ipcRenderer.posted.map(([c, m, ports]) => [c, m, ports.length])).toEqual([[CONSOLE_CHANNEL, 'a-ticket', 1]]);
    ch.close();
    (ipcRenderer.posted[0]![2][0] as { close(): void }).close();
  });
});
