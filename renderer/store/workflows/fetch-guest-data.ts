// Fetches one entry of the per-guest cache (slices/fetched.ts) and lands the answer, or the engine's refusal, there.
import { isLive, toApiError } from '../../../shared';
import type { ApiClient } from '../../api/client';
import { LOG_LINES, type FetchKind } from '../slices/fetched';
import type { AppStore } from '../slices/app-state';

export type FetchGuestData = (kind: FetchKind, key: string) => Promise<void>;

export function fetchGuestData(client: ApiClient, store: AppStore): FetchGuestData {
  const s = () => store.getState();
  const fetchers: Record<FetchKind, (key: string, version: number) => Promise<void>> = {
    acl: async (name, v) => s().fetchDone('acl', name, v, await client.invoke('devices:get', { name })),
    hostDevices: async (key, v) => s().fetchDone('hostDevices', key, v, await client.invoke('devices:host', {})),
    log: async (name, v) => s().fetchDone('log', name, v, (await client.invoke('vm:log', { name, lines: LOG_LINES })).lines),
    sched: async (name, v) => {
      const state = s().vms[name]?.state;
      // What the running group applies while it has one; the saved values otherwise.
      const flags = state && isLive(state) ? { live: true } : { config: true };
      s().schedRead(name, v, (await client.invoke('sched:get', { name, flags })).params);
    },
  };

  return async (kind, key) => {
    const version = s().fetchStarted(kind, key);
    if (version === null) return;
    try {
      await fetchers[kind](key, version);
    } catch (e) {
      s().fetchFailed(kind, key, version, toApiError(e).message);
    }
  };
}
