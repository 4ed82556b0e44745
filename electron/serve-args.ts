// `serve`'s command line: where to listen, and the explicit consent a non-loopback address needs.
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { DEFAULT_HOST, isLoopback } from './ipc/web-server';

export const SERVE_USAGE = `usage: node dist/electron/serve.js [--port N] [--listen ADDR] [--allow-remote] [--origin URL]... [--rotate-token]
  --port N        port to listen on (default: the one served on last time if it is free, else a free one; 0: a free one)
  --listen ADDR   IP address to bind (default ${DEFAULT_HOST}); anything but loopback needs --allow-remote
  --allow-remote  allow a non-loopback --listen: whoever reaches it with the token controls this host's guests
  --origin URL    also accept pages from this origin (when the host is reached by a DNS name)
  --rotate-token  replace the access token kept between runs (pages opened with the old address stop working)`;

export interface ServeArgs {
  /** Null: the port served on last time, if free. */
  port: number | null;
  rotateToken: boolean;
  listen: string;
  allowRemote: boolean;
  origins: string[];
  help: boolean;
}

/** Parses and checks the arguments; throws an Error whose message says what is wrong and what is allowed. */
export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      listen: { type: 'string' },
      'allow-remote': { type: 'boolean' },
      origin: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
      'rotate-token': { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  const portText = values.port;
  if (portText !== undefined && (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535)) {
    throw new Error(`--port '${portText}' must be an integer in range [0, 65535] (0 picks a free port)`);
  }
  const listen = values.listen ?? DEFAULT_HOST;
  if (isIP(listen.replace(/^\[|\]$/g, '')) === 0 && listen !== 'localhost') {
    throw new Error(`--listen '${listen}' must be an IP address (e.g. ${DEFAULT_HOST}, ::1, 0.0.0.0) or localhost`);
  }
  const allowRemote = values['allow-remote'] ?? false;
  if (!isLoopback(listen) && !allowRemote) {
    throw new Error(
      `--listen '${listen}' is not a loopback address: anyone who can reach it and learns the token controls the guests ` +
        'on this host, over unencrypted http; add --allow-remote if that is what you want',
    );
  }
  const origins = (values.origin ?? []).map((o) => {
    let url: URL;
    try {
      url = new URL(o);
    } catch {
      throw new Error(`--origin '${o}' must be a URL like http://vmhost.example:8080`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--origin '${o}' must be an http or https URL`);
    return url.origin;
  });
  return {
    port: portText === undefined ? null : Number(portText),
    rotateToken: values['rotate-token'] ?? false,
    listen,
    allowRemote,
    origins,
    help: values.help ?? false,
  };
}

/** The warning printed when serving beyond loopback (with --allow-remote). */
export const remoteWarning = (listen: string) =>
  `cgvirt: WARNING: listening on ${listen}, not only on loopback: anyone who can reach this address and has the token ` +
  'can define, start and stop guests on this host, and http/ws traffic is not encrypted';
