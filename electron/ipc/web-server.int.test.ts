// The web mode's security in a real browser (Debian's Chromium): a page served by us connects to /ws with its token
// and gets replies and events; our CSP blocks inline script; a page from another origin that knows the token is still
// refused. The engine is the router's test double: what is tested here is the browser side of the transport.
// What the browser cannot tell a page (the HTTP status and body of a refused WebSocket upgrade) is read from both ends:
// the page's WebSockets through the DevTools protocol, and the exact bytes our server wrote on each accepted
// connection (diagnostics_channel 'net.server.socket' hands over every socket a server in this process accepts).
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from '@playwright/test';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnHost } from '../../testing/describe-on-host';
import { createFakeEngine, type FakeEngine } from '../../testing/fake-engine';
import { startWebServer, type WebServer } from './web-server';

// The page script a real renderer would run in web mode: token from its URL, /ws on its own origin.
const PAGE_SCRIPT = `
const params = new URLSearchParams(location.search);
const target = params.get('ws') ?? ('ws://' + location.host + '/ws?token=' + params.get('token'));
const ws = new WebSocket(target);
ws.onopen = () => ws.send(JSON.stringify({ id: 1, channel: 'vm:list', payload: {} }));
ws.onmessage = (m) => {
  const frame = JSON.parse(m.data);
  if (frame.id === 1) document.body.dataset.reply = m.data;
  if (frame.event) document.body.dataset.event = m.data;
};
ws.onclose = (e) => { document.body.dataset.closed = String(e.code); };
`;
/** What the server wrote on each connection to `port`, from its first byte, one string per connection (latin1). */
function tapServerSockets(port: number) {
  const sent: string[] = [];
  const onSocket = (message: unknown) => {
    const socket = (message as { socket: Socket }).socket;
    if (socket.localPort !== port) return;
    const i = sent.push('') - 1;
    const record = (chunk: unknown) => {
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) sent[i] += Buffer.from(chunk).toString('latin1');
    };
    const { write, end } = socket;
    socket.write = function (this: Socket, chunk: unknown, ...rest: unknown[]) {
      record(chunk);
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    };
    socket.end = function (this: Socket, chunk?: unknown, ...rest: unknown[]) {
      record(chunk);
      return (end as (...a: unknown[]) => Socket).call(this, chunk, ...rest);
    };
  };
  subscribe('net.server.socket', onSocket);
  return {
    /** Connections whose first bytes are an answer to a WebSocket upgrade: ws's 101, or ws-transport's refusal. */
    upgrades: () => sent.filter((t) => /^HTTP\/1\.1 (101 Switching Protocols|40[0-4] [^\r]*\r\nConnection: close\r\nContent-Type: text\/plain)/.test(t)),
    stop: () => unsubscribe('net.server.socket', onSocket),
  };
}

interface PageSocket {
  url: string;
  origin?: string;
  /** The handshake's HTTP status, when Chromium got one it accepted (101). */
  status?: number;
  error?: string;
  closed: boolean;
}

/** The page's WebSockets as Chromium's network stack saw them (DevTools protocol). */
async function watchWebSockets(page: Page): Promise<Map<string, PageSocket>> {
  const sockets = new Map<string, PageSocket>();
  const cdp = await page.context().newCDPSession(page);
  cdp.on('Network.webSocketCreated', (e) => void sockets.set(e.requestId, { url: e.url, closed: false }));
  cdp.on('Network.webSocketWillSendHandshakeRequest', (e) => void (sockets.get(e.requestId)!.origin = e.request.headers.Origin));
  cdp.on('Network.webSocketHandshakeResponseReceived', (e) => void (sockets.get(e.requestId)!.status = e.response.status));
  cdp.on('Network.webSocketFrameError', (e) => void (sockets.get(e.requestId)!.error = e.errorMessage));
  cdp.on('Network.webSocketClosed', (e) => void (sockets.get(e.requestId)!.closed = true));
  await cdp.send('Network.enable');
  return sockets;
}

const PAGE = `<!doctype html><html><head><title>t</title><script type="module" src="./app.js"></script>
<script>document.documentElement.dataset.inline = 'ran';</script></head><body></body></html>`;

describeOnHost(['chromium'], 'web mode in Chromium', () => {
  let dir: string;
  let engine: FakeEngine;
  let server: WebServer;
  let foreign: Server;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cgvirt-browser-'));
    mkdirSync(join(dir, 'renderer'));
    writeFileSync(join(dir, 'renderer', 'index.html'), PAGE);
    writeFileSync(join(dir, 'renderer', 'app.js'), PAGE_SCRIPT);
    engine = createFakeEngine();
    server = await startWebServer({ engine, staticDir: join(dir, 'renderer'), log: () => {} });
    // Another origin on this host, serving the same page script without any CSP.
    foreign = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': req.url?.startsWith('/app.js') ? 'text/javascript' : 'text/html' });
      res.end(req.url?.startsWith('/app.js') ? PAGE_SCRIPT : PAGE);
    });
    await new Promise<void>((done) => foreign.listen(0, '127.0.0.1', done));
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((done) => foreign?.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  it('our page connects with its token, gets replies and pushed events, and its inline script is blocked', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => m.text().includes('Content Security Policy') && violations.push(m.text()));
    await page.goto(server.url);
    await page.waitForFunction(() => document.body.dataset.reply !== undefined);
    expect(JSON.parse((await page.evaluate(() => document.body.dataset.reply))!)).toEqual({ id: 1, result: { ok: true, value: [] } });

    engine.emit('vm:state', { name: 'web', state: 'running' });
    await page.waitForFunction(() => document.body.dataset.event !== undefined);
    expect(JSON.parse((await page.evaluate(() => document.body.dataset.event))!)).toEqual({
      event: 'vm:state',
      payload: { name: 'web', state: 'running' },
    });
    expect(await page.evaluate(() => document.documentElement.dataset.inline)).toBeUndefined();
    expect(violations.length).toBeGreaterThan(0);
    await page.close();
  });

  it('our page without the token is refused (HTTP 401 with the reason), while our page with it is served in the same run', async () => {
    await expect.poll(() => server.transport.clientCount).toBe(0); // the previous test's page has gone
    const tap = tapServerSockets(server.port);
    try {
      const page = await browser.newPage();
      const sockets = await watchWebSockets(page);
      await page.goto(`${server.origin}/`);
      await page.waitForFunction(() => document.body.dataset.closed !== undefined || document.body.dataset.reply !== undefined);
      expect(await page.evaluate(() => document.body.dataset.reply)).toBeUndefined();
      // The page's one WebSocket, from our own origin, with no token (the script sends the string 'null'), ended
      // before it opened (1006) with no accepted handshake.
      expect(await page.evaluate(() => document.body.dataset.closed)).toBe('1006');
      await expect.poll(() => [...sockets.values()].every((w) => w.closed)).toBe(true);
      expect([...sockets.values()]).toEqual([
        { url: `ws://127.0.0.1:${server.port}/ws?token=null`, origin: server.origin, error: expect.stringMatching(/authentication|401/i), closed: true },
      ]);
      // What the server answered that upgrade: 401 and the reason, then it closed the connection.
      const body = 'missing or wrong token: open the URL cgvirt printed\n';
      expect(tap.upgrades()).toEqual([
        'HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      ]);
      expect(server.transport.clientCount).toBe(0);
      await page.close();

      // The same server, the same run: our page with its token is upgraded (101) and answered.
      const good = await browser.newPage();
      const goodSockets = await watchWebSockets(good);
      await good.goto(server.url);
      await good.waitForFunction(() => document.body.dataset.reply !== undefined || document.body.dataset.closed !== undefined);
      expect(JSON.parse((await good.evaluate(() => document.body.dataset.reply))!)).toEqual({ id: 1, result: { ok: true, value: [] } });
      expect([...goodSockets.values()]).toEqual([
        { url: `ws://127.0.0.1:${server.port}/ws?token=${server.token}`, origin: server.origin, status: 101, closed: false },
      ]);
      expect(tap.upgrades()).toHaveLength(2);
      expect(tap.upgrades()[1]).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
      expect(server.transport.clientCount).toBe(1);
      await good.close();
      await expect.poll(() => server.transport.clientCount).toBe(0);
    } finally {
      tap.stop();
    }
  });

  it('a page from another origin is refused even with the right token', async () => {
    const page = await browser.newPage();
    const port = (foreign.address() as AddressInfo).port;
    const target = encodeURIComponent(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    await page.goto(`http://127.0.0.1:${port}/?ws=${target}`);
    await page.waitForFunction(() => document.body.dataset.closed !== undefined || document.body.dataset.reply !== undefined);
    expect(await page.evaluate(() => document.body.dataset.reply)).toBeUndefined();
    expect(server.transport.clientCount).toBe(0);
    await page.close();
  });
});
