// The Electron window's security settings, read from the same values main.ts passes to Electron (the binary cannot
// run here; main.ts checks these against Electron's types with `satisfies`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  blockNavigation,
  denyPermissionCheck,
  denyPermissionRequest,
  denyWindowOpen,
  WINDOW_CSP,
  windowOptions,
  withCsp,
} from './window-options';

const options = windowOptions({ preload: '/app/dist/electron/preload.cjs', bounds: { width: 1000, height: 700 }, devTools: false });

describe('the BrowserWindow options', () => {
  it('isolate and sandbox the page, with no Node anywhere', () => {
    expect(options.webPreferences).toMatchObject({
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

describe('main.ts wiring (source)', () => {
  // Electron cannot run here, so these read main.ts to check it uses the values tested above and nothing looser.
  const main = readFileSync(join(import.meta.dirname, 'main.ts'), 'utf8');

  it('creates its window from windowOptions only, checked against Electron types', () => {
    expect(main).toMatch(/windowOptions\(\{[^}]*\}\) satisfies BrowserWindowConstructorOptions/);
    expect(main.match(/new BrowserWindow\(/g)).toHaveLength(1);
    expect(main).toContain('new BrowserWindow(options)');
    expect(main).toContain('app.enableSandbox()');
  });

  it('installs the guards on every webContents and the deny-all permission handlers', () => {
    expect(main).toContain("app.on('web-contents-created', (_event, contents) => harden(contents))");
    expect(main).toContain('contents.setWindowOpenHandler(denyWindowOpen)');
    expect(main).toContain("contents.on('will-navigate', blockNavigation)");
    expect(main).toContain('setPermissionRequestHandler(denyPermissionRequest)');
    expect(main).toContain('setPermissionCheckHandler(denyPermissionCheck)');
    expect(main).toContain('withCsp(details.responseHeaders)');
  });

  it('registers IPC only through registerIpc (one handle channel with the sender check), never ipcMain.on', () => {
    expect(main).toMatch(/registerIpc\(ipcMain, /);
    expect(main).not.toMatch(/ipcMain\.(on|once|handle|handleOnce)\(/);
  });

  it('loads only our file, never a URL', () => {
    expect(main).toContain('win.loadFile(indexHtml)');
    expect(main).not.toMatch(/loadURL\(/);
  });
});
