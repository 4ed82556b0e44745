// The Electron IPC transport without Electron: the sender check on every message, the one registration, events.
import { describe, expect, it } from 'vitest';
import { INVOKE_CHANNEL } from './ipc-channels';
import {
  createInvokeHandler,
  forwardEvents,
  type InvokeListener,
  isTrustedSender,
  registerIpc,
  type SenderLike,
  type TrustedPage,
} from './electron-transport';
import { createRouter } from './router';
import { createFakeEngine } from '../../testing/fake-engine';

const page = 'file:///opt/cgvirt/dist/renderer/index.html';
const trusted: TrustedPage = { webContentsId: 1, mainFrame: { processId: 10, routingId: 20 }, pageUrl: page };
const ours: SenderLike = { sender: { id: 1 }, senderFrame: { url: page, processId: 10, routingId: 20 } };

describe('the sender check', () => {
  it('trusts only our window, its main frame, showing our page', () => {
    expect(isTrustedSender(ours, trusted)).toBe(true);
    expect(isTrustedSender({ ...ours, senderFrame: { url: `${page}#/vm/web`, processId: 10, routingId: 20 } }, trusted)).toBe(true);
    expect(isTrustedSender({ ...ours, sender: { id: 2 } }, trusted)).toBe(false);
    expect(isTrustedSender({ ...ours, senderFrame: { url: page, processId: 10, routingId: 21 } }, trusted)).toBe(false);
    expect(isTrustedSender({ ...ours, senderFrame: { url: page, processId: 11, routingId: 20 } }, trusted)).toBe(false);
    expect(isTrustedSender({ ...ours, senderFrame: null }, trusted)).toBe(false);
    expect(isTrustedSender(ours, null)).toBe(false);
    for (const url of [
      'https://evil.example/index.html',
      'file:///tmp/evil/index.html',
      'file:///opt/cgvirt/dist/renderer/other.html',
      'file://remote-host/opt/cgvirt/dist/renderer/index.html',
      'data:text/html,hi',
      'about:blank',
      'not a url',
    ]) {
      expect(isTrustedSender({ ...ours, senderFrame: { url, processId: 10, routingId: 20 } }, trusted)).toBe(false);
    }
  });
});

describe('the IPC registration', () => {
  it('registers exactly one channel, cgvirt:invoke, whose handler checks every message', async () => {
    const engine = createFakeEngine();
    const registered: [string, InvokeListener][] = [];
    registerIpc({ handle: (channel, listener) => void registered.push([channel, listener]), on: () => undefined }, createRouter(engine), () => trusted);
    expect(registered.map(([c]) => c)).toEqual([INVOKE_CHANNEL]);
    const handler = registered[0]![1];
    expect(await handler(ours, 'vm:list', {})).toEqual({ ok: true, value: [] });
    await expect(handler({ ...ours, sender: { id: 9 } }, 'vm:list', {})).rejects.toThrow(/refused/);
    await expect(handler({ ...ours, senderFrame: { url: 'https://evil.example/', processId: 10, routingId: 20 } }, 'vm:list', {})).rejects.toThrow(
      /refused/,
    );
    expect(engine.calls.map((c) => c.method)).toEqual(['vmList']);
  });

  it('checks against the current page: after the window closes nothing is trusted', async () => {
    let current: TrustedPage | null = trusted;
    const handler = createInvokeHandler(createRouter(createFakeEngine()), () => current);
    expect((await handler(ours, 'vm:list', {})).ok).toBe(true);
    current = null;
    await expect(handler(ours, 'vm:list', {})).rejects.toThrow(/refused/);
  });

  it('validates through the router like the WebSocket does', async () => {
    const handler = createInvokeHandler(createRouter(createFakeEngine()), () => trusted);
    expect(await handler(ours, 'vm:get', { name: '../x' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARG' } });
    expect(await handler(ours, 'bogus', {})).toMatchObject({ ok: false, error: { code: 'INVALID_ARG' } });
  });
});

describe('events', () => {
  it('forwards every engine event, and stops when unsubscribed', () => {
    const engine = createFakeEngine();
    const sent: unknown[] = [];
    const off = forwardEvents(engine, (event, payload) => sent.push([event, payload]));
    expect(engine.listenerCount()).toBe(4);
    engine.emit('vm:state', { name: 'web', state: 'running' });
    engine.emit('stats:tick', { at: 1, guests: [] });
    off();
    engine.emit('vm:state', { name: 'web', state: 'shutoff' });
    expect(sent).toEqual([
      ['vm:state', { name: 'web', state: 'running' }],
      ['stats:tick', { at: 1, guests: [] }],
    ]);
    expect(engine.listenerCount()).toBe(0);
  });
});
