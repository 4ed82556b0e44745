// The web mode's http side over a real loopback socket: static files from the built renderer only, traversal refused,
// the CSP and other headers on every answer, unknown Host names refused.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStaticPath } from './static-files';
import { createFakeEngine } from '../../testing/fake-engine';
import { isLoopback, pageOrigins, startWebServer, type WebServer } from './web-server';

let base: string;
let root: string;
let server: WebServer;
const SECRET = 'TOP-SECRET-CONTENT';

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'cgvirt-static-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>cgvirt</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(root, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'icon.svg'), '<svg/>');
  writeFileSync(join(base, 'secret.txt'), SECRET);
  symlinkSync(join(base, 'secret.txt'), join(root, 'link.txt'));
  symlinkSync(base, join(root, 'up'));
  server = await startWebServer({ engine: createFakeEngine(), staticDir: root, log: () => {} });
});
afterAll(async () => {
  await server.close();
  rmSync(base, { recursive: true, force: true });
});

/** A raw request: the path goes out exactly as written (fetch would normalize `..` away). */
function get(path: string, options: { method?: string; host?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port: server.port,
      path,
      method: options.method ?? 'GET',
      headers: { Host: options.host ?? `127.0.0.1:${server.port}` },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static files', () => {
  it('serves index.html at / (with or without the token query) with its content type', async () => {
    for (const path of ['/', '/index.html', `/?token=${server.token}`]) {
      const r = await get(path);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.body).toContain('<title>cgvirt</title>');
    }
  });

  it('serves assets with correct content types', async () => {
    expect((await get('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get('/assets/icon.svg')).headers['content-type']).toBe('image/svg+xml');
    const head = await get('/assets/app.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
    '/..\\secret.txt',
    '/assets%00/app.js',
    '/index.html%00.js',
    '/link.txt',
    '/up/secret.txt',
    '//secret.txt',
    '/assets//app.js',
    '/%',
    '/assets',
    '/nope.js',
  ])('refuses %s without revealing anything outside the root', async (path) => {
    const r = await get(path);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain(SECRET);
  });

  it('answers only GET and HEAD', async () => {
    const r = await get('/index.html', { method: 'POST' });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET, HEAD');
  });

  it('puts a strict CSP and the other security headers on every answer, errors included', async () => {
    for (const path of ['/', '/assets/app.js', '/../secret.txt']) {
      const r = await get(path);
      const csp = String(r.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('refuses a Host it does not serve (a DNS-rebinding page)', async () => {
    const r = await get('/', { host: `evil.example:${server.port}` });
    expect(r.status).toBe(421);
    expect(r.body).not.toContain('<title>');
    expect((await get('/', { host: `localhost:${server.port}` })).status).toBe(200);
  });
});

describe('resolveStaticPath', () => {
  it('maps / to index.html and keeps paths inside the root', () => {
    expect(resolveStaticPath('/srv/r', '/')).toBe('/srv/r/index.html');
    expect(resolveStaticPath('/srv/r', '/assets/')).toBe('/srv/r/assets/index.html');
    expect(resolveStaticPath('/srv/r', '/assets/a%20b.js')).toBe('/srv/r/assets/a b.js');
    expect(resolveStaticPath('/srv/r', '/../r2/x')).toBeNull();
    expect(resolveStaticPath('/srv/r', 'relative')).toBeNull();
    expect(resolveStaticPath('/srv/r', `/${'a/'.repeat(600)}`)).toBeNull();
  });
});

describe('addresses', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopback(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.5', 'example.com', '128.0.0.1']) expect(isLoopback(h)).toBe(false);
  });

  it('allows the origins a page served from the address can have', () => {
    expect(pageOrigins('127.0.0.1', 8080)).toEqual(['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080']);
    expect(pageOrigins('10.1.2.3', 80, ['http://vmhost.example:80/path'])).toEqual(['http://10.1.2.3', 'http://vmhost.example']);
    const any = pageOrigins('0.0.0.0', 9000);
    expect(any).toContain('http://127.0.0.1:9000');
    expect(any).toContain('http://localhost:9000');
  });
});
