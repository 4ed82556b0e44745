// Guest consoles in web mode, end to end: the real web server in front of the real engine with real QEMU. A page asks
// `console:ticket` over /ws and opens CONSOLE_PATH with the ticket, as the renderer does; the echo guest answers on
// its serial port, QEMU's VNC server on its screen.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConsoleKind } from '../../shared';
import { describeOnHost } from '../../testing/describe-on-host';
import { startEngineHarness, type EngineHarness } from '../../testing/engine';
import { ECHO_BANNER } from '../../testing/guests';
import { fullFrameRequest, RFB_VERSION, rfbHandshake } from '../../testing/rfb';
import { connectConsoleClient, connectWsClient, ConsoleRefused, type ConsoleClient, type WsClient } from '../../testing/ws-client';
import { startWebServer, type WebServer } from './web-server';

let t: EngineHarness;
let server: WebServer;
let page: WsClient;
let staticDir: string;
const consoles: ConsoleClient[] = [];

const ticketFor = async (name: string, kind: ConsoleKind) => (await page.invoke('console:ticket', { name, kind })).ticket;
async function open(name: string, kind: ConsoleKind) {
  const c = await connectConsoleClient(server.url, await ticketFor(name, kind));
  consoles.push(c);
  return c;
}
const refused = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: unknown) => (e instanceof ConsoleRefused ? `${e.status} ${e.body}` : String(e)),
  );

describeOnHost(['root', 'cgroupV1', 'qemu'], 'consoles over the web server (real engine, real QEMU)', () => {
  beforeAll(async () => {
    t = await startEngineHarness();
    staticDir = mkdtempSync(join(tmpdir(), 'cgvirt-static-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>cgvirt</title>');
    await t.engine.vmDefine(t.guest('a', 'echo', { accel: 'tcg', vnc: true }));
    await t.engine.vmDefine(t.guest('b', 'halt', { accel: 'tcg' }));
    await t.engine.vmStart({ name: 'a' });
    await t.engine.vmStart({ name: 'b' });
    server = await startWebServer({ engine: t.engine, staticDir, log: () => {} });
    page = await connectWsClient(server.url);
  });
  afterAll(async () => {
    for (const c of consoles) c.socket.terminate();
    await page?.close();
    await server?.close();
    await t?.teardown();
    if (staticDir) rmSync(staticDir, { recursive: true, force: true });
  });

  it("a ticket for guest a opens a's serial console: its banner from the scrollback, then what is typed, echoed", async () => {
    const c = await open('a', 'serial');
    await c.bytes.waitFor(ECHO_BANNER);
    c.send(Buffer.from('over the web\r'));
    await c.bytes.waitFor(`${ECHO_BANNER}over the web\r`);
    c.socket.close();
  });

  it("a ticket names its guest: b's ticket opens b (a halting guest: silent), never a", async () => {
    const c = await open('b', 'serial');
    c.send('hello?\r');
    await new Promise((r) => setTimeout(r, 300));
    expect(c.bytes.length).toBe(0);
    c.socket.close();
  });

  it('refuses a made-up ticket, a used one, no token and a foreign page, before the upgrade', async () => {
    const ticket = await ticketFor('a', 'serial');
    expect(await refused(connectConsoleClient(server.url, ticket, { token: null }))).toBe('401 missing or wrong token: open the URL cgvirt printed');
    expect(await refused(connectConsoleClient(server.url, ticket, { origin: 'http://evil.example' }))).toBe('403 this page origin may not connect');
    const c = await connectConsoleClient(server.url, ticket); // the refusals above did not use it up
    consoles.push(c);
    expect(await refused(connectConsoleClient(server.url, ticket))).toBe(
      '403 the console ticket is unknown or already used; ask console:ticket for a new one',
    );
    expect(await refused(connectConsoleClient(server.url, 'A'.repeat(43)))).toMatch(/^403 the console ticket is unknown/);
    c.socket.close();
  });

  it('refuses a ticket for a screen the guest does not have, in words, over /ws', async () => {
    await expect(page.invoke('console:ticket', { name: 'b', kind: 'vnc' })).rejects.toMatchObject({
      code: 'OPERATION_INVALID',
      message: expect.stringMatching(/^guest 'b' has no screen: it runs without VNC/),
    });
    await expect(page.invoke('console:ticket', { name: 'a', kind: 'keyboard' as ConsoleKind })).rejects.toMatchObject({ code: 'INVALID_ARG' });
  });

  it('the screen speaks RFB; a viewer gone mid-frame leaves QEMU untouched and the next viewer gets the same screen', async () => {
    const first = await open('a', 'vnc');
    const init = await rfbHandshake(first.bytes, (b) => first.send(b));
    first.send(fullFrameRequest(init));
    await first.bytes.read(4); // the frame has begun
    first.socket.terminate(); // the tab died
    expect(await t.qmpQuery<{ status: string }>('a', 'query-status')).toMatchObject({ status: 'running' });
    const next = await open('a', 'vnc');
    expect((await next.bytes.read(12)).toString('latin1')).toBe(RFB_VERSION);
    next.socket.close();
  });

  it('the guest stopping closes its console sockets with the reason', async () => {
    await t.engine.vmDefine(t.guest('brief', 'echo', { accel: 'tcg' }));
    await t.engine.vmStart({ name: 'brief' });
    const c = await open('brief', 'serial');
    await t.engine.vmDestroy({ name: 'brief' });
    expect(await c.closed).toEqual({ code: 1000, reason: 'the guest stopped' });
  });

  it('vm:media over /ws: the router holds the path to the definition rules, the engine to the host', async () => {
    await expect(page.invoke('vm:media', { name: 'a', drive: 0, path: 'relative.iso' })).rejects.toMatchObject({
      code: 'INVALID_ARG',
      message: "path 'relative.iso' is not allowed: it is not absolute",
    });
    await expect(page.invoke('vm:media', { name: 'a', drive: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARG',
      message: "drive 0 does not exist: guest 'a' has 0 CD-ROM drives",
    });
  });
});
