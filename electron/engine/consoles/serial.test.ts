// The serial hub against a unix server standing in for QEMU's socket chardev (one client at a time, as QEMU serves
// it), so that what QEMU rarely does on its own can be made to happen: drop the connection while the guest runs. The
// hub against real QEMU is in consoles.int.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERIAL_INPUT_CAP, SerialHub } from './serial';
import type { ConsoleStreamBase } from './stream';

let dir: string;
let server: Server;
let clients: Socket[];
let hub: SerialHub | undefined;

/** What the guest side received, and its clients, newest last. */
let received: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cgv-serial-'));
  clients = [];
  received = '';
  server = createServer((s) => {
    clients.push(s);
    s.on('data', (d) => (received += d.toString()));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(join(dir, 'serial'), r));
});
afterEach(async () => {
  hub?.close('test over');
  hub = undefined;
  for (const c of clients) c.destroy();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};
const reader = (s: ConsoleStreamBase) => {
  const got = { text: '', closed: null as string | null };
  s.onData((c) => (got.text += c.toString()));
  s.onClose((r) => (got.closed = r));
  return got;
};

describe('the serial hub (a stand-in unix server for QEMU)', () => {
  it('fans the guest out to every stream; a late stream gets the scrollback first; any stream types to the guest', async () => {
    hub = new SerialHub('web', join(dir, 'serial'));
    await hub.start();
    await until(() => clients.length === 1, 'the connection');
    const a = reader(hub.open());
    clients[0]!.write('boot messages\r\n');
    await until(() => a.text === 'boot messages\r\n', 'a to see the boot messages');
    const lateStream = hub.open();
    const b = reader(lateStream);
    expect(b.text).toBe('boot messages\r\n'); // from the scrollback, at once
    clients[0]!.write('login: ');
    await until(() => a.text.endsWith('login: ') && b.text.endsWith('login: '), 'both to see the prompt');
    lateStream.write(Buffer.from('root\n'));
    await until(() => received === 'root\n', 'the guest to get the keystrokes');
    lateStream.close();
    expect(b.closed).toBe('the viewer closed the console');
    expect(hub.streamCount).toBe(1);
    expect(clients[0]!.destroyed).toBe(false); // one viewer leaving does not drop the guest's connection
  });

  it('connects again when the guest side drops the connection, and streams carry on', async () => {
    const notes: string[] = [];
    hub = new SerialHub('web', join(dir, 'serial'), (l) => notes.push(l));
    await hub.start();
    await until(() => clients.length === 1, 'the connection');
    const a = reader(hub.open());
    clients[0]!.destroy();
    await until(() => !hub!.connected, 'the hub to see the drop');
    const s = hub.open();
    s.write(Buffer.from('typed meanwhile'));
    await until(() => clients.length === 2 && hub!.connected, 'the second connection');
    await until(() => received === 'typed meanwhile', 'what was typed meanwhile to arrive');
    clients[1]!.write('still here');
    await until(() => a.text === 'still here', 'the stream to see output after the reconnect');
    expect(a.closed).toBeNull();
    expect(notes).toEqual(['serial console: QEMU had dropped the connection; connected again']);
  });

  it('closing the hub ends every stream with the reason and drops only the connection', async () => {
    hub = new SerialHub('web', join(dir, 'serial'));
    await hub.start();
    const a = reader(hub.open());
    const b = reader(hub.open());
    hub.close('the guest stopped');
    expect([a.closed, b.closed]).toEqual(['the guest stopped', 'the guest stopped']);
    await until(() => clients[0]?.readableEnded === true || clients[0]?.destroyed === true, 'the connection to end');
    expect(() => hub!.open()).toThrow(/closed: the guest stopped/);
  });

  it('a stream that pushes more than the guest reads is closed with the reason; the others stay', async () => {
    hub = new SerialHub('web', join(dir, 'serial'));
    await hub.start();
    await until(() => clients.length === 1, 'the connection');
    clients[0]!.pause(); // the guest stops reading
    const paster = hub.open();
    const p = reader(paster);
    const other = reader(hub.open());
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    for (let i = 0; i < (4 * SERIAL_INPUT_CAP) / chunk.length && p.closed === null; i++) paster.write(chunk);
    expect(p.closed).toBe('the guest does not read its serial input (over 1 MiB are waiting); this console was closed');
    expect(other.closed).toBeNull();
  });

  it('keeps trying to connect when the socket is not there yet', async () => {
    hub = new SerialHub('web', join(dir, 'later'));
    await expect(hub.start()).rejects.toThrow(/cannot connect to the serial port of 'web'/);
    const later = createServer((s) => clients.push(s));
    await new Promise<void>((r) => later.listen(join(dir, 'later'), r));
    try {
      await until(() => hub!.connected, 'the hub to connect once the socket exists');
    } finally {
      hub.close('test over');
      for (const c of clients) c.destroy();
      await new Promise((r) => later.close(r));
    }
  });
});
