// Serves the built renderer (dist/renderer) read-only: GET/HEAD of regular files inside the root, nothing else.
// A URL never names a file outside the root: `..`, encoded slashes, NUL and symlinks that leave the root are refused.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export const contentTypeFor = (file: string) => CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';

/**
 * The file a URL path names inside `root`, or null when the path may not be served. Pure: the symlink check is in
 * `serveStatic`, which looks at the disk.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  if (!urlPath.startsWith('/') || urlPath.length > 1024) return null;
  const segments: string[] = [];
  for (const raw of urlPath.split('/').slice(1)) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null;
    }
    // After decoding, a segment is one file name: `%2f`, `%5c` or `%00` would smuggle a separator or end the string.
    if (seg === '.' || seg === '..' || /[/\\\u0000]/.test(seg)) return null;
    segments.push(seg);
  }
  if (segments.some((s, i) => s === '' && i < segments.length - 1)) return null;
  if (segments.length === 0 || segments.at(-1) === '') segments.splice(-1, 1, 'index.html');
  const base = resolve(root);
  const file = resolve(base, join(...segments));
  return file.startsWith(base + sep) ? file : null;
}

/** Answers a request for a static file; `headers` (CSP and friends) go on every answer, errors included. */
export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Promise<void> {
  const answer = (status: number, text: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', ...extra });
    res.end(req.method === 'HEAD' ? undefined : `${text}\n`);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, 'Method Not Allowed', { Allow: 'GET, HEAD' });

  // Only the path counts; the query (the page's ?token=) is for the page's script, not for choosing a file.
  const rawPath = (req.url ?? '/').split(/[?#]/, 1)[0]!;
  const file = resolveStaticPath(root, rawPath);
  if (!file) return answer(404, 'Not Found');
  let real: string;
  try {
    const realRoot = await realpath(root);
    real = await realpath(file);
    if (!real.startsWith(realRoot + sep)) return answer(404, 'Not Found');
    const info = await stat(real);
    if (!info.isFile()) return answer(404, 'Not Found');
    res.writeHead(200, {
      ...headers,
      'Content-Type': contentTypeFor(real),
      'Content-Length': String(info.size),
      // The UI is small and changes with each build: revalidate rather than serve a stale bundle.
      'Cache-Control': 'no-cache',
    });
  } catch {
    return answer(404, 'Not Found');
  }
  if (req.method === 'HEAD') return void res.end();
  await new Promise<void>((done) => {
    const stream = createReadStream(real);
    stream.on('error', () => {
      res.destroy();
      done();
    });
    stream.on('end', done);
    stream.pipe(res);
  });
}
