import { describe, expect, it } from 'vitest';
import { schedParamsOf, type HostInfo, type StatsTick, type VmInfo, type VmState } from '../../shared';
import { guest } from '../../testing/fixtures';
import { testHost } from '../../testing/page-double';
import type { AppStore } from './slices/app-state';
import { HISTORY_MS } from './slices/history';
import { isStale, type FetchData, type FetchKind } from './slices/fetched';
import { MARK_MERGE_MS, currentShares } from './slices/tuning';
import { createAppStore } from './store';

const vm = (name: string, state: VmState = 'shutoff', shares?: number): VmInfo => ({
  ...guest(name, state, shares === undefined ? {} : { shares }),
  ...(state === 'running' ? { pid: 42, cgroups: { cpu: `/cgvirt/qemu/${name}` } } : {}),
});

const host: HostInfo = testHost;

const tick = (at: number, names: string[], cpu = 50): StatsTick => ({
  at,
  guests: names.map((name) => ({ name, cpuPercent: cpu, cpuTimeUs: at * 1000, memoryBytes: 1 << 20 })),
});

function loaded(...vms: VmInfo[]) {
  const store = createAppStore();
  store.getState().loadedAll(host, vms);
  return store;
}

/** What a view's fetch leaves in the cache. */
function fetchedOnce<K extends FetchKind>(store: AppStore, kind: K, key: string, data: FetchData[K]) {
  const version = store.getState().fetchStarted(kind, key)!;
  store.getState().fetchDone(kind, key, version, data);
  expect(isStale(store.getState().fetched[kind][key])).toBe(false);
}

describe('store: loading', () => {
  it('keeps guests by name in natural order and selects the first', () => {
    const store = createAppStore();
    // A view that fetched before the first load fetches again after it.
    fetchedOnce(store, 'log', 'db', ['early']);
    store.getState().loadedAll(host, [vm('web10'), vm('web2'), vm('db')]);
    const s = store.getState();
    expect(s.names).toEqual(['db', 'web2', 'web10']);
    expect(s.selected).toBe('db');
    expect(s.loaded).toBe(true);
    expect(isStale(s.fetched.log.db)).toBe(true);
  });

  it('keeps the selection and history of guests that still exist on a reload, drops the rest', () => {
    const store = loaded(vm('a', 'running'), vm('b', 'running'));
    store.getState().select('b');
    store.getState().statsTick(tick(1000, ['a', 'b']));
    fetchedOnce(store, 'acl', 'a', []);
    fetchedOnce(store, 'acl', 'b', []);
    store.getState().loadedAll(host, [vm('b', 'running')]);
    const s = store.getState();
    expect(s.selected).toBe('b');
    expect(Object.keys(s.history)).toEqual(['b']);
    // Every reload makes what the views fetched stale, so they fetch it again.
    expect(isStale(s.fetched.acl.b)).toBe(true);
    expect(s.fetched.acl.a).toBeUndefined();
  });
});

describe('store: engine events', () => {
  it('vm:state changes the state and drops the run-time facts of a stopped guest', () => {
    const store = loaded(vm('web', 'running'));
    store.getState().statsTick(tick(1000, ['web']));
    store.getState().vmState({ name: 'web', state: 'paused' });
    expect(store.getState().vms.web!.state).toBe('paused');
    expect(store.getState().vms.web!.pid).toBe(42);
    store.getState().vmState({ name: 'web', state: 'crashed', reason: 'qemu: killed by signal 9' });
    const web = store.getState().vms.web!;
    expect(web).toMatchObject({ state: 'crashed', reason: 'qemu: killed by signal 9' });
    expect(web.pid).toBeUndefined();
    expect(web.cgroups).toBeUndefined();
    expect(store.getState().stats.web).toBeUndefined();
  });

  it('ignores vm:state for a guest it does not know yet (the next list brings it)', () => {
    const store = loaded(vm('web'));
    const before = store.getState();
    store.getState().vmState({ name: 'ghost', state: 'running' });
    expect(store.getState().vms).toBe(before.vms);
  });

  it('vm:changed adds a guest in order, replaces one, and removes one selecting its neighbour', () => {
    const store = loaded(vm('a'), vm('c'));
    store.getState().vmChanged({ name: 'b', info: vm('b') });
    expect(store.getState().names).toEqual(['a', 'b', 'c']);
    store.getState().vmChanged({ name: 'b', info: vm('b', 'shutoff', 512) });
    expect(store.getState().vms.b!.definition.cpu.shares).toBe(512);
    store.getState().select('b');
    store.getState().vmChanged({ name: 'b', info: null });
    expect(store.getState().names).toEqual(['a', 'c']);
    expect(store.getState().vms.b).toBeUndefined();
    expect(store.getState().selected).toBe('c');
    store.getState().vmChanged({ name: 'c', info: null });
    store.getState().vmChanged({ name: 'a', info: null });
    expect(store.getState().selected).toBeNull();
  });

  it('host:changed replaces what the host offers', () => {
    const store = loaded();
    const next = { ...host, accel: 'kvm' as const };
    store.getState().hostChanged(next);
    expect(store.getState().host).toBe(next);
  });
});

describe('store: stats ticks', () => {
  it('applies a tick for a thousand guests as one store update', () => {
    const names = Array.from({ length: 1000 }, (_, i) => `g${i}`);
    const store = loaded(...names.map((n) => vm(n, 'running')));
    let updates = 0;
    const off = store.subscribe(() => updates++);
    store.getState().statsTick(tick(1000, names));
    off();
    expect(updates).toBe(1);
    expect(Object.keys(store.getState().stats)).toHaveLength(1000);
    expect(store.getState().history.g999!.cpuPercent).toEqual([50]);
  });

  it('keeps the latest values of running guests only', () => {
    const store = loaded(vm('a', 'running'), vm('b', 'running'));
    store.getState().statsTick(tick(1000, ['a', 'b']));
    store.getState().statsTick(tick(2000, ['b'], 70));
    expect(Object.keys(store.getState().stats)).toEqual(['b']);
    expect(store.getState().stats.b!.cpuPercent).toBe(70);
  });

  it('keeps two minutes of history per guest and drops older samples', () => {
    const store = loaded(vm('a', 'running'));
    for (let t = 0; t <= 200; t++) store.getState().statsTick(tick(t * 1000, ['a'], t));
    const h = store.getState().history.a!;
    expect(h.at[0]).toBe(200_000 - HISTORY_MS);
    expect(h.at[h.at.length - 1]).toBe(200_000);
    expect(h.at).toHaveLength(HISTORY_MS / 1000 + 1);
    expect(h.cpuPercent[0]).toBe(80);
    expect(h.memoryBytes).toHaveLength(h.at.length);
  });

  it('ages out the history of a guest that stopped, and forgets it once empty', () => {
    const store = loaded(vm('a', 'running'), vm('b', 'running'));
    store.getState().statsTick(tick(0, ['a', 'b']));
    store.getState().statsTick(tick(1000, ['a', 'b']));
    store.getState().statsTick(tick(HISTORY_MS + 500, ['a']));
    expect(store.getState().history.b!.at).toEqual([1000]);
    store.getState().statsTick(tick(HISTORY_MS + 5000, ['a']));
    expect(store.getState().history.b).toBeUndefined();
  });

  it('leaves a guest’s history object alone when the tick does not touch it, so its row does not redraw', () => {
    const store = loaded(vm('a', 'running'), vm('b', 'running'));
    store.getState().statsTick(tick(1000, ['a', 'b']));
    const b = store.getState().history.b;
    store.getState().statsTick(tick(2000, ['a']));
    expect(store.getState().history.b).toBe(b);
  });

  it('ignores a repeated tick instead of breaking the time axis', () => {
    const store = loaded(vm('a', 'running'));
    store.getState().statsTick(tick(5000, ['a']));
    store.getState().statsTick(tick(5000, ['a']));
    store.getState().statsTick(tick(4000, ['a']));
    expect(store.getState().history.a!.at).toEqual([5000]);
  });
});

describe('store: the engine’s history', () => {
  it('takes the engine’s last minutes from its first tick on, so every page shows the same; keeps what the page saw before', () => {
    const store = loaded(vm('web', 'running'), vm('db', 'running'));
    store.getState().statsTick(tick(500, ['db'])); // before the engine's record begins: kept
    store.getState().statsTick(tick(1000, ['db'], 99)); // the engine's tick at 1000 replaces it
    const ticks = [tick(1000, ['web', 'db'], 10), tick(2000, ['web', 'db'], 20), tick(3000, ['web'], 30)];
    store.getState().historyLoaded({
      ticks,
      marks: [
        { name: 'web', at: 1000, shares: 2048 },
        { name: 'web', at: 1500, shares: 4096 }, // within the merge window of the one before: one mark, at the last value
        { name: 'web', at: 9000, shares: 1024 },
      ],
    });
    const s = store.getState();
    expect(s.history.web?.at).toEqual([1000, 2000, 3000]);
    expect(s.history.web?.cpuPercent).toEqual([10, 20, 30]);
    expect(s.history.db?.at).toEqual([500, 1000, 2000]);
    expect(s.history.db?.cpuPercent).toEqual([50, 10, 20]);
    expect(Object.keys(s.stats)).toEqual(['web']);
    expect(s.marks.web).toEqual([
      { at: 1500, shares: 4096 },
      { at: 9000, shares: 1024 },
    ]);
    expect(s.marks.db).toBeUndefined();
  });

  it('keeps the page’s graphs when a restarted engine has no record yet', () => {
    const store = loaded(vm('web', 'running'));
    store.getState().statsTick(tick(1000, ['web']));
    store.getState().statsTick(tick(2000, ['web']));
    store.getState().historyLoaded({ ticks: [], marks: [] });
    expect(store.getState().history.web?.at).toEqual([1000, 2000]);
  });
});

describe('store: priority', () => {
  it('reads the current priority from the last scheduler answer, else the definition, else the default', () => {
    const store = loaded(vm('a'), vm('b', 'shutoff', 512));
    expect(currentShares(store.getState(), 'a')).toBe(1024);
    expect(currentShares(store.getState(), 'b')).toBe(512);
    store.getState().schedApplied('a', [{ field: 'cpu_shares', type: 'ullong', value: 300 }]);
    expect(currentShares(store.getState(), 'a')).toBe(300);
    // A read (no config flag) does not rewrite the definition.
    expect(store.getState().vms.a!.definition.cpu.shares).toBeUndefined();
  });

  it('a config write updates the definition and marks the change on the timeline once', () => {
    const store = loaded(vm('a', 'running'));
    store.getState().statsTick(tick(Date.now(), ['a']));
    store.getState().schedApplied('a', [{ field: 'cpu_shares', type: 'ullong', value: 2048 }], { live: true, config: true });
    expect(store.getState().vms.a!.definition.cpu.shares).toBe(2048);
    expect(store.getState().marks.a).toHaveLength(1);
    expect(store.getState().marks.a![0]!.shares).toBe(2048);
    // The engine's vm:changed for the same change adds no second mark.
    store.getState().vmChanged({ name: 'a', info: vm('a', 'running', 2048) });
    expect(store.getState().marks.a).toHaveLength(1);
  });

  it('marks a change another window made (vm:changed with new shares)', () => {
    const store = loaded(vm('a', 'running'));
    store.getState().vmChanged({ name: 'a', info: vm('a', 'running', 4096) });
    expect(store.getState().marks.a!.map((m) => m.shares)).toEqual([4096]);
  });

  it('merges quick successive changes into one mark at the final value', () => {
    const store = loaded(vm('a', 'running'));
    for (const value of [1100, 1200, 1300]) {
      store.getState().schedApplied('a', [{ field: 'cpu_shares', type: 'ullong', value }], { live: true, config: true });
    }
    expect(store.getState().marks.a!.map((m) => m.shares)).toEqual([1300]);
    expect(MARK_MERGE_MS).toBeGreaterThan(0);
  });

  it('a cap write of -1 stores "unlimited" in the definition', () => {
    const store = loaded(vm('a'));
    store.getState().schedApplied(
      'a',
      [
        { field: 'cpu_quota', type: 'llong', value: 50_000 },
        { field: 'cpu_period', type: 'ullong', value: 100_000 },
      ],
      { config: true },
    );
    expect(store.getState().vms.a!.definition.cpu).toMatchObject({ quotaUs: 50_000, periodUs: 100_000 });
    store.getState().schedApplied('a', [{ field: 'cpu_quota', type: 'llong', value: -1 }], { config: true });
    expect(store.getState().vms.a!.definition.cpu.quotaUs).toBeUndefined();
    const quota = schedParamsOf(store.getState().fetched.sched.a!.data!).find((p) => p.field === 'cpu_quota');
    expect(quota!.value).toBe(-1);
  });

  it('forgets the scheduler answer when the guest’s state changes (a start applies the saved values)', () => {
    const store = loaded(vm('a'));
    store.getState().schedApplied('a', [{ field: 'cpu_shares', type: 'ullong', value: 300 }]);
    store.getState().vmState({ name: 'a', state: 'running' });
    expect(isStale(store.getState().fetched.sched.a)).toBe(true);
    expect(currentShares(store.getState(), 'a')).toBe(1024);
  });
});
