// A recording stand-in for the 'electron' module, so electron/main.ts and electron/preload.ts can run under vitest
// (the Electron binary cannot be downloaded here). Use it with
//   vi.mock('electron', () => import('../testing/electron-stand-in'));
// and import the same module in the test to read what was recorded and to drive it (fire `ready`, app events).
//
// It has exactly the parts main.ts and preload.ts use, and records every call: app, BrowserWindow (with its
// webContents), ipcMain, session.defaultSession, Menu, dialog, screen, contextBridge, ipcRenderer. It does nothing
// Electron does on its own except two things main.ts relies on: `whenReady()` resolves when the test calls
// `fireReady()`, and a new BrowserWindow's webContents is announced with app 'web-contents-created' as Electron does
// for every webContents it creates. No Electron import here: what main.ts gets is only what is below.

type Listener = (...args: never[]) => unknown;

/** Every call into the stand-in, in order: `app.enableSandbox`, `new BrowserWindow`, `ipcMain.handle`, ... */
export const calls: { what: string; args: unknown[] }[] = [];
const record = (what: string, args: unknown[]) => void calls.push({ what, args });
export const callNames = () => calls.map((c) => c.what);

/** on/once listeners by event, in registration order, with the method used. */
class Recorder {
  readonly registrations: { method: 'on' | 'once'; event: string; listener: Listener }[] = [];
  constructor(private readonly name: string) {}

  on(event: string, listener: Listener) {
    record(`${this.name}.on`, [event, listener]);
    this.registrations.push({ method: 'on', event, listener });
    return this;
  }

  once(event: string, listener: Listener) {
    record(`${this.name}.once`, [event, listener]);
    this.registrations.push({ method: 'once', event, listener });
    return this;
  }

  listenersOf(event: string): Listener[] {
    return this.registrations.filter((r) => r.event === event).map((r) => r.listener);
  }

  /** Calls the listeners of `event` as Electron would (a `once` listener only the first time); returns their results. */
  emit(event: string, ...args: unknown[]): unknown[] {
    const now = this.registrations.filter((r) => r.event === event);
    for (const r of now) if (r.method === 'once') this.registrations.splice(this.registrations.indexOf(r), 1);
    return now.map((r) => (r.listener as (...a: unknown[]) => unknown)(...args));
  }
}

// --- app -------------------------------------------------------------------------------------------------------

let resolveReady: () => void = () => {};
const readyPromise = new Promise<void>((resolve) => (resolveReady = resolve));

class AppStandIn extends Recorder {
  /** What `requestSingleInstanceLock()` answers. */
  singleInstanceLock = true;
  isPackaged = false;
  /** `getPath(name)`: set by the test (e.g. `userData` to a temp dir); any other name throws. */
  readonly paths: Record<string, string> = {};

  constructor() {
    super('app');
  }
  enableSandbox() {
    record('app.enableSandbox', []);
  }
  requestSingleInstanceLock() {
    record('app.requestSingleInstanceLock', []);
    return this.singleInstanceLock;
  }
  whenReady() {
    record('app.whenReady', []);
    return readyPromise;
  }
  getPath(name: string) {
    record('app.getPath', [name]);
    const path = this.paths[name];
    if (path === undefined) throw new Error(`electron stand-in: no path '${name}' set`);
    return path;
  }
  getVersion() {
    record('app.getVersion', []);
    return '0.0.0-stand-in';
  }
  quit() {
    record('app.quit', []);
  }
  exit(code?: number) {
    record('app.exit', [code]);
  }
}
export const app = new AppStandIn();

/** Resolves `app.whenReady()`. */
export function fireReady() {
  record('(ready)', []);
  resolveReady();
}

// --- BrowserWindow and its webContents -------------------------------------------------------------------------

let nextWebContentsId = 1;

export class WebContents extends Recorder {
  readonly id = nextWebContentsId++;
  /** Reassignable, as a navigation or reload replaces the main frame. */
  mainFrame = { processId: 1000 + this.id, routingId: 1 };
  readonly sent: unknown[][] = [];
  windowOpenHandler: ((details: { url: string }) => unknown) | null = null;
  destroyed = false;

  constructor() {
    super('webContents');
  }
  send(channel: string, ...args: unknown[]) {
    record('webContents.send', [channel, ...args]);
    this.sent.push([channel, ...args]);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => unknown) {
    record('webContents.setWindowOpenHandler', [handler]);
    this.windowOpenHandler = handler;
  }
  isDestroyed() {
    return this.destroyed;
  }
}

export class BrowserWindow extends Recorder {
  /** Every window constructed, in order. */
  static readonly instances: BrowserWindow[] = [];
  static getAllWindows() {
    return BrowserWindow.instances.filter((w) => !w.destroyed);
  }

  readonly options: unknown;
  readonly webContents = new WebContents();
  readonly loadFileCalls: unknown[][] = [];
  readonly loadURLCalls: unknown[][] = [];
  maximized = false;
  minimized = false;
  shown = false;
  focused = false;
  destroyed = false;

  constructor(options: unknown) {
    super('BrowserWindow');
    record('new BrowserWindow', [options]);
    this.options = options;
    BrowserWindow.instances.push(this);
    app.emit('web-contents-created', { preventDefault() {} }, this.webContents);
  }
  loadFile(...args: unknown[]) {
    record('BrowserWindow.loadFile', args);
    this.loadFileCalls.push(args);
    return Promise.resolve();
  }
  loadURL(...args: unknown[]) {
    record('BrowserWindow.loadURL', args);
    this.loadURLCalls.push(args);
    return Promise.resolve();
  }
  show() {
    record('BrowserWindow.show', []);
    this.shown = true;
  }
  maximize() {
    record('BrowserWindow.maximize', []);
    this.maximized = true;
  }
  isMaximized() {
    return this.maximized;
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    record('BrowserWindow.restore', []);
    this.minimized = false;
  }
  focus() {
    record('BrowserWindow.focus', []);
    this.focused = true;
  }
  getNormalBounds() {
    const o = this.options as { x?: number; y?: number; width: number; height: number };
    return { x: o.x ?? 0, y: o.y ?? 0, width: o.width, height: o.height };
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** As the user closing it: destroyed, then 'closed'. */
  destroy() {
    record('BrowserWindow.destroy', []);
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

// --- ipcMain -----------------------------------------------------------------------------------------------------

class IpcMainStandIn extends Recorder {
  /** `handle` / `handleOnce` registrations, in order. */
  readonly handlers: { method: 'handle' | 'handleOnce'; channel: string; listener: Listener }[] = [];
  constructor() {
    super('ipcMain');
  }
  handle(channel: string, listener: Listener) {
    record('ipcMain.handle', [channel, listener]);
    this.handlers.push({ method: 'handle', channel, listener });
  }
  handleOnce(channel: string, listener: Listener) {
    record('ipcMain.handleOnce', [channel, listener]);
    this.handlers.push({ method: 'handleOnce', channel, listener });
  }
  addListener(event: string, listener: Listener) {
    return this.on(event, listener);
  }
  prependListener(event: string, listener: Listener) {
    return this.on(event, listener);
  }
  removeHandler(channel: string) {
    record('ipcMain.removeHandler', [channel]);
  }
}
export const ipcMain = new IpcMainStandIn();

// --- session -----------------------------------------------------------------------------------------------------

class SessionStandIn {
  permissionRequestHandler: Listener | null = null;
  permissionCheckHandler: Listener | null = null;
  readonly headersReceived: Listener[] = [];
  readonly webRequest = {
    onHeadersReceived: (...args: unknown[]) => {
      record('session.webRequest.onHeadersReceived', args);
      // (listener) or (filter, listener)
      this.headersReceived.push(args[args.length - 1] as Listener);
    },
  };
  setPermissionRequestHandler(handler: Listener | null) {
    record('session.setPermissionRequestHandler', [handler]);
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: Listener | null) {
    record('session.setPermissionCheckHandler', [handler]);
    this.permissionCheckHandler = handler;
  }
}
export const session = { defaultSession: new SessionStandIn() };

// --- Menu, dialog, screen ----------------------------------------------------------------------------------------

export const Menu = {
  built: [] as { template: unknown }[],
  applicationMenu: null as unknown,
  buildFromTemplate(template: unknown) {
    record('Menu.buildFromTemplate', [template]);
    const menu = { template };
    Menu.built.push(menu);
    return menu;
  },
  setApplicationMenu(menu: unknown) {
    record('Menu.setApplicationMenu', [menu]);
    Menu.applicationMenu = menu;
  },
};

export const dialog = {
  showMessageBox(...args: unknown[]) {
    record('dialog.showMessageBox', args);
    return Promise.resolve({ response: 0, checkboxChecked: false });
  },
  showErrorBox(title: string, content: string) {
    record('dialog.showErrorBox', [title, content]);
  },
};

export const screen = {
  /** What `getAllDisplays()` answers. */
  displays: [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] as {
    id: number;
    workArea: { x: number; y: number; width: number; height: number };
  }[],
  getAllDisplays() {
    record('screen.getAllDisplays', []);
    return screen.displays;
  },
};

// --- the preload's side ------------------------------------------------------------------------------------------

export const contextBridge = {
  exposed: [] as [string, unknown][],
  /** What `executeInMainWorld` was given: Electron copies `func`'s source into the page's world and calls it there. */
  executed: [] as { func: (...args: never[]) => unknown; args: unknown[] }[],
  exposeInMainWorld(key: string, api: unknown) {
    record('contextBridge.exposeInMainWorld', [key, api]);
    contextBridge.exposed.push([key, api]);
  },
  executeInMainWorld(script: { func: (...args: never[]) => unknown; args?: unknown[] }) {
    record('contextBridge.executeInMainWorld', [script]);
    contextBridge.executed.push({ func: script.func, args: script.args ?? [] });
  },
};

class IpcRendererStandIn extends Recorder {
  readonly invoked: unknown[][] = [];
  /** What `invoke` resolves with; set by the test. */
  answer: (channel: string, ...args: unknown[]) => unknown = () => ({ ok: true, value: null });
  constructor() {
    super('ipcRenderer');
  }
  invoke(channel: string, ...args: unknown[]) {
    record('ipcRenderer.invoke', [channel, ...args]);
    this.invoked.push([channel, ...args]);
    return Promise.resolve(this.answer(channel, ...args));
  }
  /** Every postMessage: channel, message and the ports handed over. */
  readonly posted: [string, unknown, unknown[]][] = [];
  postMessage(channel: string, message: unknown, transfer: unknown[] = []) {
    record('ipcRenderer.postMessage', [channel, message, transfer]);
    this.posted.push([channel, message, transfer]);
  }
}
export const ipcRenderer = new IpcRendererStandIn();
