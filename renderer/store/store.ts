// The one store: what the engine told us (invoke results and pushed events) plus the window's own selection. Engine
// events arrive here and nowhere else; a stats tick is one update for all guests.
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  CPU_PERIOD_US,
  CPU_SHARES,
  UNLIMITED_QUOTA,
  type BrokenDefinition,
  type EventOf,
  type GuestStats,
  type HostInfo,
  type SchedParam,
  type ScopeFlags,
  type VmInfo,
} from '../../shared';
import type { ConnectionStatus } from '../api/ws-api';
import { appendTick, type GuestHistory } from './history';

export const DETAILS_TABS = ['overview', 'priority', 'devices', 'performance', 'log'] as const;
export type DetailsTab = (typeof DETAILS_TABS)[number];

/** A priority change, drawn on the performance timeline. `at` is engine time. */
export interface PriorityMark {
  at: number;
  shares: number;
}

/** The scheduler values last read or written, as the engine answered (quota -1 = unlimited). */
export interface SchedValues {
  shares: number;
  quotaUs: number;
  periodUs: number;
}

const MAX_MARKS = 32;
/** Changes closer together than this (a user tapping an arrow key) make one mark, at the latest value. */
export const MARK_MERGE_MS = 3000;

export interface AppState {
  /** The WebSocket's status in web mode; null in Electron. */
  connection: ConnectionStatus | null;
  /** The guest list has been fetched at least once. */
  loaded: boolean;
  loadError: string | null;
  host: HostInfo | null;
  /** Definition files the engine could not load (the other guests load anyway). */
  broken: BrokenDefinition[];
  vms: Record<string, VmInfo>;
  /** Guest names in display order; changes only when a guest is added or removed. */
  names: string[];
  /** The latest tick's values, for running guests only. */
  stats: Record<string, GuestStats>;
  history: Record<string, GuestHistory>;
  /** Engine clock minus this page's clock, so marks made here line up with the engine's samples. */
  clockOffsetMs: number;
  marks: Record<string, PriorityMark[]>;
  sched: Record<string, SchedValues>;
  /** Bumped on every full (re)load, so views that fetched their own data fetch again after a reconnect. */
  epoch: number;
  selected: string | null;
  tab: DetailsTab;

  setConnection(status: ConnectionStatus | null): void;
  loadedAll(host: HostInfo, vms: VmInfo[]): void;
  loadFailed(message: string): void;
  brokenLoaded(broken: BrokenDefinition[]): void;
  vmState(e: EventOf<'vm:state'>): void;
  vmChanged(e: EventOf<'vm:changed'>): void;
  statsTick(e: EventOf<'stats:tick'>): void;
  hostChanged(e: EventOf<'host:changed'>): void;
  /** A guest as an invoke returned it (start, pause, define...). */
  upsertVm(info: VmInfo): void;
  removeVm(name: string): void;
  /** Scheduler values the engine returned for `sched:get`/`sched:set`; a config write updates the definition too. */
  schedApplied(name: string, params: readonly SchedParam[], flags?: ScopeFlags): void;
  select(name: string | null): void;
  setTab(tab: DetailsTab): void;
}

export type AppStore = StoreApi<AppState>;

export const compareNames = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' }) || (a < b ? -1 : a > b ? 1 : 0);

/** The priority the engine applies to a guest: the last value read or written, else its definition's. */
export const currentShares = (s: Pick<AppState, 'sched' | 'vms'>, name: string) =>
  s.sched[name]?.shares ?? s.vms[name]?.definition.cpu.shares ?? CPU_SHARES.default;

const without = <T,>(rec: Record<string, T>, key: string): Record<string, T> => {
  if (!(key in rec)) return rec;
  const { [key]: _gone, ...rest } = rec;
  return rest;
};

const STOPPED = new Set(['shutoff', 'crashed']);

export function createAppStore(): AppStore {
  return createStore<AppState>()((set, get) => {
    const nowEngine = () => Date.now() + get().clockOffsetMs;

    /** Marks a priority change when the value really changed. */
    const marked = (s: AppState, name: string, shares: number): Record<string, PriorityMark[]> => {
      if (currentShares(s, name) === shares) return s.marks;
      const at = nowEngine();
      const prev = s.marks[name] ?? [];
      const last = prev[prev.length - 1];
      const kept = last && at - last.at < MARK_MERGE_MS ? prev.slice(0, -1) : prev;
      const list = [...kept, { at, shares }].slice(-MAX_MARKS);
      return { ...s.marks, [name]: list };
    };

    const upsert = (s: AppState, info: VmInfo): Partial<AppState> => {
      const name = info.definition.name;
      const prev = s.vms[name];
      const names = prev ? s.names : [...s.names, name].sort(compareNames);
      const newShares = info.definition.cpu.shares ?? CPU_SHARES.default;
      const prevShares = prev?.definition.cpu.shares ?? CPU_SHARES.default;
      const changedCpu = prev !== undefined && prevShares !== newShares;
      return {
        vms: { ...s.vms, [name]: info },
        names,
        marks: changedCpu ? marked(s, name, newShares) : s.marks,
        // A new definition or run state may change what the engine applies: read it again when it is needed.
        sched: prev && (changedCpu || prev.state !== info.state) ? without(s.sched, name) : s.sched,
      };
    };

    return {
      connection: null,
      loaded: false,
      loadError: null,
      host: null,
      broken: [],
      vms: {},
      names: [],
      stats: {},
      history: {},
      clockOffsetMs: 0,
      marks: {},
      sched: {},
      epoch: 0,
      selected: null,
      tab: 'overview',

      setConnection: (connection) => set({ connection }),

      loadedAll: (host, list) =>
        set((s) => {
          const vms = Object.fromEntries(list.map((v) => [v.definition.name, v]));
          const names = Object.keys(vms).sort(compareNames);
          const keep = <T,>(rec: Record<string, T>) => Object.fromEntries(Object.entries(rec).filter(([n]) => n in vms));
          const selected = s.selected !== null && s.selected in vms ? s.selected : (names[0] ?? null);
          return {
            host,
            vms,
            names,
            loaded: true,
            loadError: null,
            epoch: s.epoch + 1,
            selected,
            history: keep(s.history),
            marks: keep(s.marks),
            sched: {},
            stats: keep(s.stats),
          };
        }),

      loadFailed: (loadError) => set({ loadError }),
      brokenLoaded: (broken) => set({ broken }),

      vmState: (e) =>
        set((s) => {
          const vm = s.vms[e.name];
          if (!vm) return {};
          const stopped = STOPPED.has(e.state);
          const info: VmInfo = { ...vm, state: e.state, reason: e.reason };
          if (stopped) {
            delete info.pid;
            delete info.cgroups;
          }
          return {
            vms: { ...s.vms, [e.name]: info },
            stats: stopped ? without(s.stats, e.name) : s.stats,
            sched: without(s.sched, e.name),
          };
        }),

      vmChanged: (e) => {
        if (e.info === null) get().removeVm(e.name);
        else get().upsertVm(e.info);
      },

      statsTick: (tick) =>
        set((s) => ({
          stats: Object.fromEntries(tick.guests.map((g) => [g.name, g])),
          history: appendTick(s.history, tick),
          clockOffsetMs: tick.at - Date.now(),
        })),

      hostChanged: (host) => set({ host }),

      upsertVm: (info) => set((s) => upsert(s, info)),

      removeVm: (name) =>
        set((s) => {
          if (!(name in s.vms)) return {};
          const i = s.names.indexOf(name);
          const names = s.names.filter((n) => n !== name);
          const selected = s.selected === name ? (names[Math.min(i, names.length - 1)] ?? null) : s.selected;
          return {
            vms: without(s.vms, name),
            names,
            stats: without(s.stats, name),
            history: without(s.history, name),
            marks: without(s.marks, name),
            sched: without(s.sched, name),
            selected,
          };
        }),

      schedApplied: (name, params, flags) =>
        set((s) => {
          const vm = s.vms[name];
          if (!vm) return {};
          const value = (f: SchedParam['field']) => params.find((p) => p.field === f)?.value;
          const prev = s.sched[name];
          const cpu = vm.definition.cpu;
          const next: SchedValues = {
            shares: value('cpu_shares') ?? prev?.shares ?? cpu.shares ?? CPU_SHARES.default,
            quotaUs: value('cpu_quota') ?? prev?.quotaUs ?? cpu.quotaUs ?? UNLIMITED_QUOTA,
            periodUs: value('cpu_period') ?? prev?.periodUs ?? cpu.periodUs ?? CPU_PERIOD_US.default,
          };
          const marks = marked(s, name, next.shares);
          let vms = s.vms;
          if (flags?.config) {
            const unlimited = next.quotaUs === UNLIMITED_QUOTA;
            const definition = {
              ...vm.definition,
              cpu: {
                ...cpu,
                shares: next.shares,
                quotaUs: unlimited ? undefined : next.quotaUs,
                periodUs: unlimited ? undefined : next.periodUs,
              },
            };
            vms = { ...s.vms, [name]: { ...vm, definition } };
          }
          return { sched: { ...s.sched, [name]: next }, marks, vms };
        }),

      select: (selected) => set({ selected }),
      setTab: (tab) => set({ tab }),
    };
  });
}
