// The Electron main process: one engine, one window, the router behind one IPC channel. Everything security-relevant
// is a plain value or function from window-options.ts and ipc/electron-transport.ts (tested without Electron); this file
// only wires them to Electron.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  type BrowserWindowConstructorOptions,
  dialog,
  ipcMain,
  Menu,
  type MenuItemConstructorOptions,
  screen,
  session,
  type WebContents,
} from 'electron';
import { isCgvirtError } from '../shared';
import { EVENT_CHANNEL } from './ipc/ipc-channels';
import type { EngineApi } from './engine/api';
import { createEngine, engineOptionsFromEnv } from './engine/index';
import { forwardEvents, registerIpc, type TrustedPage } from './ipc/electron-transport';
import { createRouter } from './ipc/router';
import { blockNavigation, denyPermissionCheck, denyPermissionRequest, denyWindowOpen, windowOptions, withCsp } from './window-options';
import { fitToDisplays, readWindowState, saveWindowState } from './window-state';

const indexHtml = fileURLToPath(new URL('../renderer/index.html', import.meta.url));
const pageUrl = pathToFileURL(indexHtml).href;
const preload = fileURLToPath(new URL('./preload.cjs', import.meta.url));

let engine: EngineApi | null = null;
let mainWindow: BrowserWindow | null = null;

/**
 * What an IPC message must come from, read at each message: the window's current main frame (a navigation to our
 * file or a reload may replace the frame, so ids are never cached) showing our page.
 */
function trusted(): TrustedPage | null {
  if (!mainWindow || mainWindow.isDestroyed()) return null;
  const contents = mainWindow.webContents;
  return { webContentsId: contents.id, mainFrame: contents.mainFrame, pageUrl };
}

// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();

/** Guards for every webContents ever created (the window, and anything a bug might create). */
function harden(contents: WebContents) {
  contents.setWindowOpenHandler(denyWindowOpen);
  contents.on('will-navigate', blockNavigation);
  contents.on('will-redirect', blockNavigation);
  contents.on('will-attach-webview', blockNavigation);
}

function stateFile() {
  return join(app.getPath('userData'), 'window-state.json');
}

async function createWindow(): Promise<void> {
  const saved = await readWindowState(stateFile());
  const bounds = fitToDisplays(
    saved,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const options = windowOptions({ preload, bounds, devTools: !app.isPackaged }) satisfies BrowserWindowConstructorOptions;
  const win = new BrowserWindow(options);
  mainWindow = win;
  if (saved.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => {
    const b = win.getNormalBounds();
    void saveWindowState(stateFile(), { ...b, maximized: win.isMaximized() }).catch((e: unknown) =>
      console.error('cgvirt: could not save the window state:', e),
    );
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  await win.loadFile(indexHtml);
}

function menu(): MenuItemConstructorOptions[] {
  return [
    {
      label: '&File',
      submenu: [{ role: 'close', label: 'Close Window' }, { type: 'separator' }, { role: 'quit', accelerator: 'CmdOrCtrl+Q' }],
    },
    {
      label: '&Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    {
      label: '&View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' } as const]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: '&Window', submenu: [{ role: 'minimize' }, { role: 'close' }] },
    {
      label: '&Help',
      submenu: [
        {
          label: 'About cgvirt',
          click: () =>
            void dialog.showMessageBox({
              type: 'info',
              title: 'About cgvirt',
              message: `cgvirt ${app.getVersion()}`,
              detail: 'A virtual-machine manager where every QEMU guest runs in its own cgroup.\n' + 'The same UI runs in a browser with: npm run serve',
            }),
        },
      ],
    },
  ];
}

async function ready() {
  session.defaultSession.setPermissionRequestHandler(denyPermissionRequest);
  session.defaultSession.setPermissionCheckHandler(denyPermissionCheck);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withCsp(details.responseHeaders) }));
  Menu.setApplicationMenu(Menu.buildFromTemplate(menu()));

  let started: EngineApi;
  try {
    started = await createEngine(engineOptionsFromEnv(process.env), (note) => console.log(`cgvirt: ${note}`));
  } catch (e) {
    dialog.showErrorBox('cgvirt cannot start', isCgvirtError(e) ? e.message : String(e));
    app.exit(1);
    return;
  }
  engine = started;
  registerIpc(ipcMain, createRouter(started), trusted, started);
  forwardEvents(started, (event, payload) => {
    for (const win of BrowserWindow.getAllWindows()) if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event, payload);
  });
  await createWindow();
}

// One engine per state dir: a second launch focuses the first window instead of starting another engine.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('web-contents-created', (_event, contents) => harden(contents));
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (engine && BrowserWindow.getAllWindows().length === 0) void createWindow();
  });

  // Stop the engine once, before exit; guests keep running (they outlive the manager).
  let engineClosed = false;
  let closing = false;
  app.on('will-quit', (event) => {
    if (!engine || engineClosed) return;
    event.preventDefault();
    if (closing) return;
    closing = true;
    engine
      .close()
      .catch((e: unknown) => console.error('cgvirt: error while stopping the engine:', e))
      .finally(() => {
        engineClosed = true;
        app.quit();
      });
  });

  app.whenReady().then(ready, (e: unknown) => {
    console.error('cgvirt: Electron failed to start:', e);
    app.exit(1);
  });
}
