// The one API client turns every rejection into an ApiError with the engine's code and words, including the
// Electron bridge's, which can only carry the code inside the message.
import { describe, expect, it } from 'vitest';
import { ApiError, bridgeErrorMessage, type CgvirtApi, type ConsoleChannel } from '../../shared';
import { createApiClient } from './client';

const rejecting = (e: Error): CgvirtApi => ({
  invoke: () => Promise.reject(e),
  on: () => () => {},
  openConsole: () => {
    throw e;
  },
});

describe('API client errors', () => {
  it('recovers the code Electron’s contextBridge kept only in the message', async () => {
    const bridged = new Error(
      `Error invoking remote method 'cgvirt:invoke': Error: ${bridgeErrorMessage('INVALID_ARG', "shares '1' must be in range [2, 262144]")}`,
    );
    const err = await createApiClient(rejecting(bridged))
      .invoke('vm:list', {})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'INVALID_ARG', message: "shares '1' must be in range [2, 262144]" });
  });

  it('keeps an ApiError as it is, and reads a code property when one crossed', async () => {
    const own = new ApiError('NO_DOMAIN', "no guest named 'x'");
    await expect(createApiClient(rejecting(own)).invoke('vm:list', {})).rejects.toBe(own);
    const coded = Object.assign(new Error('guest is running'), { code: 'OPERATION_INVALID' });
    await expect(createApiClient(rejecting(coded)).invoke('vm:list', {})).rejects.toMatchObject({
      code: 'OPERATION_INVALID',
      message: 'guest is running',
    });
  });

  it('calls anything else INTERNAL, keeping its words', async () => {
    await expect(createApiClient(rejecting(new TypeError('boom'))).invoke('vm:list', {})).rejects.toMatchObject({ code: 'INTERNAL', message: 'boom' });
  });

  it('passes values and events through untouched', async () => {
    const seen: unknown[] = [];
    const api: CgvirtApi = {
      invoke: ((channel: string) => Promise.resolve({ channel })) as CgvirtApi['invoke'],
      on: ((event: string, l: (p: unknown) => void) => {
        l({ event });
        return () => {};
      }) as CgvirtApi['on'],
      openConsole: (ticket) => ({ ticket }) as unknown as ConsoleChannel,
    };
    const client = createApiClient(api);
    await expect(client.invoke('host:info', {})).resolves.toEqual({ channel: 'host:info' });
    client.on('host:changed', (p) => seen.push(p));
    expect(seen).toEqual([{ event: 'host:changed' }]);
    expect(client.openConsole('t1')).toEqual({ ticket: 't1' });
  });

  it('turns a console the transport cannot open into an ApiError', () => {
    const bridged = new Error(`Error invoking remote method 'cgvirt:console': ${bridgeErrorMessage('NO_DOMAIN', "no guest named 'x'")}`);
    expect(() => createApiClient(rejecting(bridged)).openConsole('t')).toThrow(expect.objectContaining({ name: 'ApiError', code: 'NO_DOMAIN' }));
  });
});
