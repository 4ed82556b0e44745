// The preload's page API over a stand-in ipcRenderer (the preload itself only hands it to contextBridge).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toApiError } from '../shared';
import { createBridgeApi, type IpcRendererLike } from './bridge';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './ipc/ipc-channels';

function fakeIpc(reply: unknown) {
  const sent: unknown[][] = [];
  let eventListener: ((event: unknown, ...args: unknown[]) => void) | null = null;
  const ipc: IpcRendererLike = {
    invoke: async (...args) => {
      sent.push(args);
      return reply;
    },
    on: (channel, listener) => {
      expect(channel).toBe(EVENT_CHANNEL);
      eventListener = listener;
    },
  };
  const push = (...args: unknown[]) => eventListener!({ sender: 'the ipcRenderer itself' }, ...args);
  return { ipc, sent, push };
}

describe('the preload bridge', () => {
  it('invoke sends (channel, payload) on cgvirt:invoke and resolves with the value', async () => {
    const { ipc, sent } = fakeIpc({ ok: true, value: [1] });
    expect(await createBridgeApi(ipc).invoke('vm:list', {})).toEqual([1]);
    expect(sent).toEqual([[INVOKE_CHANNEL, 'vm:list', {}]]);
  });

  it('invoke rejects with an Error whose message carries the code, which toApiError reads back', async () => {
    const { ipc } = fakeIpc({ ok: false, error: { code: 'NO_DOMAIN', message: "no guest named 'x'" } });
    const error = await createBridgeApi(ipc)
      .invoke('vm:get', { name: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("[NO_DOMAIN] no guest named 'x'");
    // What the renderer sees after contextBridge and Electron's own prefix:
    const crossed = new Error(`Error invoking remote method 'cgvirt:invoke': ${(error as Error).message}`);
    expect(toApiError(crossed)).toMatchObject({ code: 'NO_DOMAIN', message: "no guest named 'x'" });
  });

  it('on delivers the payload only (never the IPC event), and unsubscribes', () => {
    const { ipc, push } = fakeIpc(null);
    const api = createBridgeApi(ipc);
    const got: unknown[][] = [];
    const off = api.on('vm:state', (...args: unknown[]) => got.push(args));
    push('vm:state', { name: 'web', state: 'running' });
    push('stats:tick', { at: 1, guests: [] });
    push('not-an-event', {});
    off();
    push('vm:state', { name: 'web', state: 'shutoff' });
    expect(got).toEqual([[{ name: 'web', state: 'running' }]]);
  });

  it('a throwing listener does not stop the others', () => {
    const { ipc, push } = fakeIpc(null);
    const api = createBridgeApi(ipc);
    const got: unknown[] = [];
    api.on('vm:state', () => {
      throw new Error('page bug');
    });
    api.on('vm:state', (p) => got.push(p));
    const quiet = console.error;
    console.error = () => {};
    try {
      push('vm:state', { name: 'a', state: 'paused' });
    } finally {
      console.error = quiet;
    }
    expect(got).toEqual([{ name: 'a', state: 'paused' }]);
  });

  it('refuses unknown events', () => {
    const api = createBridgeApi(fakeIpc(null).ipc);
    expect(() => api.on('bogus' as 'vm:state', () => {})).toThrow("unknown event 'bogus'");
  });

  it('the preload exposes exactly window.cgvirt with invoke and on', () => {
    const preload = readFileSync(join(import.meta.dirname, 'preload.ts'), 'utf8');
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toContain("contextBridge.exposeInMainWorld('cgvirt', { invoke: api.invoke, on: api.on });");
    expect(preload).not.toMatch(/exposeInIsolatedWorld|ipcRenderer\.(send|on|invoke)|process\.|require\(/);
  });
});
