// The guests as the engine reports them: the full list (loaded again on every (re)connect), then its events and the
// answers to this window's own requests. A change here also tells the other slices what to keep, drop or fetch again.
import { CPU_SHARES, hasProcess, type BrokenDefinition, type EventOf, type HostInfo, type VmInfo } from '../../../shared';
import { keeping, without } from './records';
import type { AppState, SliceCreator } from './app-state';
import { fetchedAfterChange, fetchedAfterLoad, fetchedWithout } from './fetched';
import { selectedAfterLoad, selectedAfterRemoval } from './selection';
import { marked } from './tuning';

export interface GuestsSlice {
  /** The guest list has been fetched at least once. */
  loaded: boolean;
  loadError: string | null;
  /** Definition files the engine could not load (the other guests load anyway). */
  broken: BrokenDefinition[];
  vms: Record<string, VmInfo>;
  /** Guest names in display order; changes only when a guest is added or removed. */
  names: string[];

  loadedAll(host: HostInfo, vms: VmInfo[]): void;
  loadFailed(message: string): void;
  brokenLoaded(broken: BrokenDefinition[]): void;
  vmState(e: EventOf<'vm:state'>): void;
  vmChanged(e: EventOf<'vm:changed'>): void;
  /** A guest as an invoke returned it (start, pause, define...). */
  upsertVm(info: VmInfo): void;
  removeVm(name: string): void;
}

const compareNames = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' }) || (a < b ? -1 : a > b ? 1 : 0);

const sharesOf = (vm: VmInfo) => vm.definition.cpu.shares ?? CPU_SHARES.default;

function upsert(s: AppState, info: VmInfo): Partial<AppState> {
  const name = info.definition.name;
  const prev = s.vms[name];
  // A definition whose priority changed (here or in another window) is a change on the timeline.
  const changedShares = prev !== undefined && sharesOf(prev) !== sharesOf(info);
  return {
    vms: { ...s.vms, [name]: info },
    names: prev ? s.names : [...s.names, name].sort(compareNames),
    marks: changedShares ? marked(s, name, sharesOf(info)) : s.marks,
    fetched: fetchedAfterChange(s.fetched, prev, info),
  };
}

export const guestsSlice: SliceCreator<GuestsSlice> = (set, get) => ({
  loaded: false,
  loadError: null,
  broken: [],
  vms: {},
  names: [],

  loadedAll: (host, list) =>
    set((s) => {
      const vms = Object.fromEntries(list.map((v) => [v.definition.name, v]));
      const names = Object.keys(vms).sort(compareNames);
      return {
        host,
        vms,
        names,
        loaded: true,
        loadError: null,
        selected: selectedAfterLoad(s.selected, names),
        history: keeping(s.history, vms),
        marks: keeping(s.marks, vms),
        stats: keeping(s.stats, vms),
        // Events missed while disconnected are gone: whatever was fetched may be out of date.
        fetched: fetchedAfterLoad(s.fetched, vms),
      };
    }),

  loadFailed: (loadError) => set({ loadError }),
  brokenLoaded: (broken) => set({ broken }),

  vmState: (e) =>
    set((s) => {
      const vm = s.vms[e.name];
      if (!vm) return {};
      const running = hasProcess(e.state);
      const info: VmInfo = { ...vm, state: e.state, reason: e.reason };
      if (!running) {
        delete info.pid;
        delete info.cgroups;
      }
      return {
        vms: { ...s.vms, [e.name]: info },
        stats: running ? s.stats : without(s.stats, e.name),
        fetched: fetchedAfterChange(s.fetched, vm, info),
      };
    }),

  vmChanged: (e) => {
    if (e.info === null) get().removeVm(e.name);
    else get().upsertVm(e.info);
  },

  upsertVm: (info) => set((s) => upsert(s, info)),

  removeVm: (name) =>
    set((s) => {
      if (!(name in s.vms)) return {};
      return {
        vms: without(s.vms, name),
        names: s.names.filter((n) => n !== name),
        selected: selectedAfterRemoval(s.selected, s.names, name),
        stats: without(s.stats, name),
        history: without(s.history, name),
        marks: without(s.marks, name),
        fetched: fetchedWithout(s.fetched, name),
        deviceDrafts: without(s.deviceDrafts, name),
      };
    }),
});
