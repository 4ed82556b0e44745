// The web mode's security in a real browser (Debian's Chromium): a page served by us connects to /ws with its token
// and gets replies and events; our CSP blocks inline script; a page from another origin that knows the token is still
// refused. The engine is the router's test double: what is tested here is the browser side of the transport.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from '@playwright/test';
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

  it('our page without the token is refused', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => document.body.dataset.closed !== undefined || document.body.dataset.reply !== undefined);
    expect(await page.evaluate(() => document.body.dataset.reply)).toBeUndefined();
    await page.close();
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
