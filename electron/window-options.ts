// The main window's options and guards as plain values, so a test can read every security setting without Electron
// (main.ts checks them against Electron's types with `satisfies`). No Electron import here, by the project's rule.
import { contentSecurityPolicy } from './ipc/csp';

export const WINDOW_SIZE = { width: 1200, height: 800, minWidth: 820, minHeight: 560 } as const;

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

/** The Electron window's CSP: the web mode's, with no WebSocket (the page talks over IPC only). */
export const WINDOW_CSP = contentSecurityPolicy();

export function windowOptions(options: { preload: string; bounds: WindowBounds; devTools: boolean }) {
  return {
    ...options.bounds,
    minWidth: WINDOW_SIZE.minWidth,
    minHeight: WINDOW_SIZE.minHeight,
    title: 'cgvirt',
    // Shown on 'ready-to-show', so the user never sees an empty white frame.
    show: false,
    webPreferences: {
      preload: options.preload,
      // The page is untrusted: it runs isolated from the preload, in Chromium's sandbox, with no Node.
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
      safeDialogs: true,
      spellcheck: false,
      devTools: options.devTools,
    },
  } as const;
}

/** `setWindowOpenHandler`: no page opens a window. */
export const denyWindowOpen = () => ({ action: 'deny' }) as const;

/** `will-navigate` / `will-redirect` / `will-attach-webview`: the page never leaves index.html or embeds another. */
export const blockNavigation = (event: { preventDefault(): void }) => event.preventDefault();

/** `setPermissionRequestHandler`: camera, notifications, anything: no. */
export const denyPermissionRequest = (_webContents: unknown, _permission: string, callback: (granted: boolean) => void) => callback(false);

/** `setPermissionCheckHandler`. */
export const denyPermissionCheck = () => false;

/** Response headers with our CSP set (replacing any the response had), for `webRequest.onHeadersReceived`. */
export function withCsp(headers: Record<string, string | string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() !== 'content-security-policy') out[k] = Array.isArray(v) ? v : [v];
  }
  out['Content-Security-Policy'] = [WINDOW_CSP];
  return out;
}
