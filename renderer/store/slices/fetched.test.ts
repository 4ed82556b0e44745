import { describe, expect, it } from 'vitest';
import type { VmInfo, VmState } from '../../../shared';
import { testHost } from '../../../testing/page-double';
import { guest } from '../../../testing/fixtures';
import { createAppStore } from '../store';
import { HOST_KEY, isStale, type FetchKind } from './fetched';

function withEverythingFetched(...vms: VmInfo[]) {
  const store = createAppStore();
  store.getState().loadedAll(testHost, vms);
  const fetch = (kind: FetchKind, key: string) =>
    store.getState().fetchDone(kind, key, store.getState().fetchStarted(kind, key)!, kind === 'sched' ? {} : []);
  for (const v of vms) for (const kind of ['acl', 'log', 'sched'] as const) fetch(kind, v.definition.name);
  fetch('hostDevices', HOST_KEY);
  return store;
}

const staleKinds = (store: ReturnType<typeof createAppStore>, name: string) =>
  (['acl', 'log', 'sched'] as const).filter((k) => isStale(store.getState().fetched[k][name]));

describe('per-guest fetched data', () => {
  it('runs one request at a time per entry', () => {
    const store = createAppStore();
    expect(store.getState().fetchStarted('log', 'web')).toBe(0);
    expect(store.getState().fetchStarted('log', 'web')).toBeNull();
    store.getState().fetchDone('log', 'web', 0, ['a']);
    expect(store.getState().fetched.log.web).toMatchObject({ data: ['a'], loading: false });
    expect(isStale(store.getState().fetched.log.web)).toBe(false);
  });

  it('a state change makes the guest’s entries stale, not other guests’ nor the host’s device list (it follows definitions)', () => {
    const store = withEverythingFetched(guest('web', 'running'), guest('db', 'running'));
    store.getState().vmState({ name: 'web', state: 'paused' });
    expect(staleKinds(store, 'web')).toEqual(['acl', 'log', 'sched']);
    expect(staleKinds(store, 'db')).toEqual([]);
    expect(isStale(store.getState().fetched.hostDevices[HOST_KEY])).toBe(false);
  });

  it('an answer that arrives after its guest was removed does not come back as fresh for a new guest of that name', () => {
    const store = withEverythingFetched(guest('web', 'running'));
    const version = store.getState().fetchStarted('acl', 'web');
    store.getState().invalidate('acl', 'web');
    const again = store.getState().fetchStarted('acl', 'web') ?? version!;
    store.getState().removeVm('web');
    store.getState().fetchDone('acl', 'web', again, []);
    store.getState().upsertVm(guest('web', 'shutoff'));
    expect(store.getState().fetched.acl.web).toBeUndefined();
  });

  it('a new definition makes stale what it changes: the ACL for devices and disks, the scheduler values for CPU tuning', () => {
    const store = withEverythingFetched(guest('web', 'running'));
    const next = (over: Partial<VmInfo['definition']>, state: VmState = 'running'): VmInfo => {
      const v = guest('web', state);
      return { ...v, definition: { ...v.definition, ...over } };
    };
    store.getState().upsertVm(next({ memoryMiB: 128 }));
    expect(staleKinds(store, 'web')).toEqual([]);
    store.getState().upsertVm(next({ memoryMiB: 128, cpu: { shares: 2048 } }));
    expect(staleKinds(store, 'web')).toEqual(['sched']);
    expect(isStale(store.getState().fetched.hostDevices[HOST_KEY])).toBe(false);
    store.getState().upsertVm(next({ memoryMiB: 128, cpu: { shares: 2048 }, devices: { extra: ['/dev/net/tun'], omitDefaults: [] } }));
    expect(staleKinds(store, 'web')).toEqual(['acl', 'sched']);
    expect(isStale(store.getState().fetched.hostDevices[HOST_KEY])).toBe(true);
  });

  it('keeps an answer overtaken by an invalidation, but fetches again', () => {
    const store = createAppStore();
    store.getState().loadedAll(testHost, [guest('web', 'running')]);
    const v = store.getState().fetchStarted('log', 'web')!;
    store.getState().invalidate('log', 'web');
    store.getState().fetchDone('log', 'web', v, ['old']);
    expect(store.getState().fetched.log.web!.data).toEqual(['old']);
    expect(isStale(store.getState().fetched.log.web)).toBe(true);
  });

  it('drops an answer older than a write’s, and keeps the failure of the last request with the data it had', () => {
    const store = createAppStore();
    store.getState().loadedAll(testHost, [guest('web', 'running')]);
    const v = store.getState().fetchStarted('acl', 'web')!;
    store.getState().answerStored('acl', 'web', []);
    store.getState().fetchDone('acl', 'web', v, [{ type: 'c', major: 1, minor: 3, access: 'rw', source: 'default', live: true, config: true }]);
    expect(store.getState().fetched.acl.web).toMatchObject({ data: [], loading: false });
    expect(isStale(store.getState().fetched.acl.web)).toBe(false);
    store.getState().invalidate('acl', 'web');
    const w = store.getState().fetchStarted('acl', 'web')!;
    store.getState().fetchFailed('acl', 'web', w, 'no such guest');
    expect(store.getState().fetched.acl.web).toMatchObject({ data: [], error: 'no such guest' });
    expect(isStale(store.getState().fetched.acl.web)).toBe(false);
  });

  it('forgets a removed guest’s entries', () => {
    const store = withEverythingFetched(guest('web', 'shutoff'), guest('db', 'shutoff'));
    store.getState().removeVm('web');
    expect(store.getState().fetched.acl.web).toBeUndefined();
    expect(store.getState().fetched.sched.web).toBeUndefined();
    expect(store.getState().fetched.acl.db).toBeDefined();
    expect(isStale(store.getState().fetched.hostDevices[HOST_KEY])).toBe(true);
  });
});
