// What the UI can ask of the engine. Each action calls the API client and feeds the answer to the store; failures are
// thrown as ApiError to the caller, so the view that acted shows them where the user acted.
import {
  toApiError,
  type AclEntry,
  type DefinitionInput,
  type HostDevice,
  type RequestOf,
  type SchedParam,
  type ScopeFlags,
  type VmInfo,
  type VmState,
} from '../../shared';
import type { ApiClient } from '../api/client';
import type { AppStore } from './store';

export type Lifecycle = 'vm:start' | 'vm:shutdown' | 'vm:destroy' | 'vm:pause' | 'vm:resume' | 'vm:reboot';

/** A running or paused guest has a live group: changes apply now and are saved. Otherwise only the config changes. */
export const isLive = (state: VmState) => state === 'running' || state === 'paused';
/** While QEMU starts or stops, neither scope is well defined: the UI waits. */
export const isTransient = (state: VmState) => state === 'starting' || state === 'stopping';
export const scopeFor = (state: VmState): { live?: boolean; config: boolean } =>
  isLive(state) ? { live: true, config: true } : { config: true };

export interface Actions {
  refresh(): Promise<void>;
  lifecycle(channel: Lifecycle, name: string): Promise<VmInfo>;
  undefine(name: string): Promise<void>;
  define(input: DefinitionInput): Promise<VmInfo>;
  createImage(req: RequestOf<'storage:create'>): Promise<string>;
  loadSched(name: string): Promise<void>;
  setSched(name: string, params: SchedParam[], flags: ScopeFlags): Promise<void>;
  hostDevices(): Promise<HostDevice[]>;
  devicesGet(name: string): Promise<AclEntry[]>;
  devicesSet(name: string, change: { extra: string[]; omitDefaults: RequestOf<'devices:set'>['omitDefaults'] }, flags: ScopeFlags): Promise<AclEntry[]>;
  log(name: string, lines: number): Promise<string[]>;
}

export function createActions(client: ApiClient, store: AppStore): Actions {
  const s = () => store.getState();
  let refreshing: Promise<void> | null = null;

  return {
    refresh() {
      // Concurrent callers (a reconnect during the first load) share one round trip.
      refreshing ??= (async () => {
        try {
          const [host, vms] = await Promise.all([client.invoke('host:info', {}), client.invoke('vm:list', {})]);
          s().loadedAll(host, vms);
          // Secondary: a failure here must not hide the guests that did load.
          s().brokenLoaded(await client.invoke('vm:broken', {}).catch(() => []));
        } catch (e) {
          s().loadFailed(toApiError(e).message);
        } finally {
          refreshing = null;
        }
      })();
      return refreshing;
    },

    async lifecycle(channel, name) {
      const info = await client.invoke(channel, { name });
      s().upsertVm(info);
      return info;
    },

    async undefine(name) {
      await client.invoke('vm:undefine', { name });
      s().removeVm(name);
    },

    async define(input) {
      const info = await client.invoke('vm:define', input);
      s().upsertVm(info);
      return info;
    },

    async createImage(req) {
      return (await client.invoke('storage:create', req)).path;
    },

    async loadSched(name) {
      const vm = s().vms[name];
      if (!vm) return;
      const { params } = await client.invoke('sched:get', { name, flags: isLive(vm.state) ? { live: true } : { config: true } });
      s().schedApplied(name, params);
    },

    async setSched(name, params, flags) {
      const answer = await client.invoke('sched:set', { name, params, flags });
      s().schedApplied(name, answer.params, flags);
    },

    hostDevices: () => client.invoke('devices:host', {}),
    devicesGet: (name) => client.invoke('devices:get', { name }),

    async devicesSet(name, change, flags) {
      const acl = await client.invoke('devices:set', { name, extra: change.extra, omitDefaults: change.omitDefaults, flags });
      // The definition now holds the new lists; fetch it so every view agrees (the engine may also push vm:changed).
      const info = await client.invoke('vm:get', { name }).catch(() => null);
      if (info) s().upsertVm(info);
      return acl;
    },

    async log(name, lines) {
      return (await client.invoke('vm:log', { name, lines })).lines;
    },
  };
}

/**
 * Feeds pushed events to the store and loads the state: once in Electron, and on every (re)open of the WebSocket,
 * since events missed while it was down are gone. Returns the function that undoes the wiring.
 */
export function connectStore(client: ApiClient, store: AppStore, actions: Actions): () => void {
  const st = store.getState();
  const offs = [
    client.on('vm:state', (e) => st.vmState(e)),
    client.on('vm:changed', (e) => st.vmChanged(e)),
    client.on('stats:tick', (e) => st.statsTick(e)),
    client.on('host:changed', (e) => st.hostChanged(e)),
  ];
  const conn = client.connection;
  if (conn) {
    st.setConnection(conn.status());
    offs.push(
      conn.onStatus((status) => {
        store.getState().setConnection(status);
        if (status.state === 'open') void actions.refresh();
      }),
    );
    if (conn.status().state === 'open') void actions.refresh();
  } else {
    void actions.refresh();
  }
  return () => offs.forEach((off) => off());
}
