// The headless web mode's server around one engine: the built renderer over http, the router over a WebSocket at /ws,
// guest consoles over WebSockets at CONSOLE_PATH (console-transport.ts), a random token in the URL. `serve.ts` runs it from the command line; tests and the bench start it in-process.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { CONSOLE_PATH } from '../../shared';
import { attachConsoleTransport, type ConsoleTransport, type ConsoleTransportOptions } from './console-transport';
import { contentSecurityPolicy } from './csp';
import type { EngineApi } from '../engine/api';
import { createRouter, type Router } from './router';
import { serveStatic } from './static-files';
import { attachWsTransport, WS_PATH, type WsTransport, type WsTransportOptions } from './ws-transport';

export interface WebServerOptions {
  engine: EngineApi;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  /** Address to bind (default 127.0.0.1). Deciding whether a non-loopback one is allowed is the caller's job. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default: 32 random bytes. */
  token?: string;
  /** More page origins allowed to open the WebSocket, e.g. `http://vmhost.example:8080` when reached by DNS name. */
  extraOrigins?: readonly string[];
  router?: Router;
  /** Per-socket limits of the WebSocket transport; each one absent is WS_LIMITS' (ws-transport.ts). */
  wsLimits?: Pick<WsTransportOptions, 'maxInFlight' | 'maxBuffered'>;
  /** Per-socket limits of the console WebSockets; each one absent is CONSOLE_LIMITS' (console-transport.ts). */
  consoleLimits?: Pick<ConsoleTransportOptions, 'maxPayload' | 'maxBuffered'>;
  log?: (line: string) => void;
}

export interface WebServer {
  /** The page URL with its token: what `serve` prints and a browser opens. */
  readonly url: string;
  readonly origin: string;
  /** Every origin whose pages may connect (and the only Host headers answered). */
  readonly origins: readonly string[];
  readonly token: string;
  readonly host: string;
  readonly port: number;
  readonly transport: WsTransport;
  readonly consoles: ConsoleTransport;
  /** Closes sockets and the http server; the engine is the caller's to close. */
  close(): Promise<void>;
}

export const DEFAULT_HOST = '127.0.0.1';

/** 127.0.0.0/8, ::1 (also as ::ffff:127.x) and the name localhost. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

const isUnspecified = (host: string) => ['0.0.0.0', '::', '[::]'].includes(host);
const hostPart = (address: string) => (isIP(address) === 6 ? `[${address}]` : address);

/** The origins a page served from this address can have (a browser's Origin header is one of these). */
export function pageOrigins(host: string, port: number, extra: readonly string[] = []): string[] {
  const hosts = new Set<string>();
  if (isUnspecified(host)) {
    // Bound to every interface: the page may be opened through any of them.
    for (const infos of Object.values(networkInterfaces())) for (const i of infos ?? []) hosts.add(hostPart(i.address));
    hosts.add('localhost');
  } else {
    hosts.add(hostPart(host));
    if (isLoopback(host)) ['localhost', '127.0.0.1', '[::1]'].forEach((h) => hosts.add(h));
  }
  // Through URL, so port 80 is dropped as a browser drops it from its Origin header.
  const origins = [...hosts].map((h) => new URL(`http://${h}:${port}`).origin);
  for (const e of extra) origins.push(new URL(e).origin);
  return [...new Set(origins)];
}

/** Headers on every http answer: the CSP, and no sniffing, framing, referrer (the URL carries the token) or sharing. */
export function securityHeaders(wsOrigin: string): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy({ connect: [wsOrigin] }),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
  };
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? DEFAULT_HOST;
  const token = options.token ?? randomBytes(32).toString('base64url');
  const log = options.log ?? ((line: string) => console.error(line));
  const router = options.router ?? createRouter(options.engine);
  let allowedHosts = new Set<string>();

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    // A page at another name that resolves here (DNS rebinding) must not be served as if it were ours.
    const reqHost = (req.headers.host ?? '').toLowerCase();
    const headers = securityHeaders(`ws://${reqHost}`);
    if (!allowedHosts.has(reqHost)) {
      res.writeHead(421, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end('unknown host name: open the URL cgvirt printed, or start it with --origin for this name\n');
    }
    serveStatic(options.staticDir, req, res, headers).catch((e: unknown) => {
      log(`cgvirt: serving ${req.url ?? ''} failed: ${e instanceof Error ? e.message : String(e)}`);
      res.destroy();
    });
  };
  const server = createServer({ maxHeaderSize: 16 * 1024 }, onRequest);

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen({ host: host.replace(/^\[|\]$/g, ''), port: options.port ?? 0 }, () => {
      server.off('error', fail);
      done();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const origins = pageOrigins(host, port, options.extraOrigins);
  allowedHosts = new Set(origins.map((o) => new URL(o).host));
  const transport = attachWsTransport({
    maxInFlight: options.wsLimits?.maxInFlight,
    maxBuffered: options.wsLimits?.maxBuffered,
    server,
    router,
    engine: options.engine,
    token,
    origins,
    hosts: [...allowedHosts],
    path: WS_PATH,
    otherPaths: [CONSOLE_PATH],
    log,
  });
  const consoles = attachConsoleTransport({
    server,
    engine: options.engine,
    token,
    origins,
    hosts: [...allowedHosts],
    maxPayload: options.consoleLimits?.maxPayload,
    maxBuffered: options.consoleLimits?.maxBuffered,
    log,
  });

  const shownHost = isUnspecified(host) ? DEFAULT_HOST : hostPart(host.replace(/^\[|\]$/g, ''));
  const origin = new URL(`http://${shownHost}:${port}`).origin;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    origins,
    token,
    host,
    port,
    transport,
    consoles,
    async close() {
      await Promise.all([transport.close(), consoles.close()]);
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
