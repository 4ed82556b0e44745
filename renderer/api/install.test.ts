// Choosing the transport: Electron's preload API is used as is; in a browser the token is taken from the address bar
// and a WebSocket page API is installed as window.cgvirt (here against a real loopback server).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as WsClient, WebSocketServer } from 'ws';
import type { CgvirtApi } from '../../shared';
import { installTransport } from './install';
import { TOKEN_STORAGE_KEY, consoleUrlFor, takeToken, wsUrlFor } from './token';

const PageWebSocket = WsClient as unknown as new (url: string) => WebSocket;

afterEach(() => {
  sessionStorage.clear();
  history.replaceState(null, '', '/');
});

describe('access token', () => {
  it('is taken from the URL, removed from the address bar, and kept for a reload', () => {
    history.replaceState({ keep: 1 }, '', '/app/?token=s3cr%2Bt&view=list#details');
    expect(takeToken(window)).toBe('s3cr+t');
    expect(location.pathname + location.search + location.hash).toBe('/app/?view=list#details');
    expect(history.state).toEqual({ keep: 1 });
    expect(sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('s3cr+t');
    // The reload: no token in the URL any more, the tab still has it.
    expect(takeToken(window)).toBe('s3cr+t');
  });

  it('is null when neither the URL nor this tab has one', () => {
    expect(takeToken(window)).toBeNull();
  });

  it('goes to the same host over ws, or wss for an https page', () => {
    expect(wsUrlFor({ protocol: 'http:', host: '127.0.0.1:8080' }, 'a b&c')).toBe('ws://127.0.0.1:8080/ws?token=a%20b%26c');
    expect(wsUrlFor({ protocol: 'https:', host: 'box.example:443' }, 't')).toBe('wss://box.example:443/ws?token=t');
    expect(wsUrlFor({ protocol: 'http:', host: 'h' }, null)).toBe('ws://h/ws');
  });

  it('goes with a console ticket to the console path of the same host and scheme', () => {
    expect(consoleUrlFor(wsUrlFor({ protocol: 'http:', host: '127.0.0.1:8080' }, 'a b&c'), 't/1')).toBe(
      'ws://127.0.0.1:8080/console?token=a%20b%26c&ticket=t%2F1',
    );
    expect(consoleUrlFor(wsUrlFor({ protocol: 'https:', host: 'box.example:8443' }, 't'), 'k')).toBe('wss://box.example:8443/console?token=t&ticket=k');
    expect(consoleUrlFor(wsUrlFor({ protocol: 'http:', host: 'h' }, null), 'k')).toBe('ws://h/console?ticket=k');
  });
});

describe('installTransport', () => {
  it('uses the API the Electron preload exposed, unchanged', () => {
    const preload: CgvirtApi = { invoke: vi.fn(), on: vi.fn(), openConsole: vi.fn() };
    const win = { cgvirt: preload } as unknown as Window;
    const t = installTransport(win);
    expect(t).toMatchObject({ kind: 'electron', connection: null, tokenMissing: false });
    expect(t.api).toBe(preload);
  });

  it('in a browser, installs window.cgvirt over the WebSocket of the page’s host, with the token from the URL', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', r));
    const port = (wss.address() as { port: number }).port;
    const paths: string[] = [];
    wss.on('connection', (socket, req) => {
      paths.push(req.url ?? '');
      socket.on('message', (data) => {
        const { id } = JSON.parse((data as Buffer).toString('utf8')) as { id: number };
        socket.send(JSON.stringify({ id, result: { ok: true, value: [] } }));
      });
    });
    const replaced: string[] = [];
    const stored = new Map<string, string>();
    const listeners: string[] = [];
    const win = {
      location: { href: `http://127.0.0.1:${port}/?token=abc`, protocol: 'http:', host: `127.0.0.1:${port}` },
      history: { state: null, replaceState: (_s: unknown, _t: string, url: string) => replaced.push(url) },
      sessionStorage: { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => stored.set(k, v) },
      addEventListener: (type: string) => listeners.push(type),
    } as unknown as Window & { cgvirt?: CgvirtApi };

    const t = installTransport(win, { WebSocket: PageWebSocket, backoffMs: () => 20 });
    try {
      expect(t.kind).toBe('web');
      expect(t.tokenMissing).toBe(false);
      expect(replaced).toEqual(['/']);
      expect(stored.get(TOKEN_STORAGE_KEY)).toBe('abc');
      expect(listeners).toContain('online');
      // The page API is the preload's shape and nothing else, and cannot be swapped by page scripts.
      expect(Object.keys(win.cgvirt!).sort()).toEqual(['invoke', 'on', 'openConsole']);
      expect(Object.isFrozen(win.cgvirt)).toBe(true);
      expect(() => {
        (win as { cgvirt?: unknown }).cgvirt = {};
      }).toThrow();
      await expect(win.cgvirt!.invoke('vm:list', {})).resolves.toEqual([]);
      expect(paths).toEqual(['/ws?token=abc']);
    } finally {
      (t.connection as unknown as { close(): void }).close();
      await new Promise<void>((r) => wss.close(() => r()));
    }
  });
});
