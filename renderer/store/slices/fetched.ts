// Data the views fetch per guest because no event pushes it — the device ACL, the log tail, the scheduler values — and
// the host's device list: one cache, with one rule for when an entry is stale (the guest's state or definition
// changed, or the whole list was loaded again). Views read it through useGuestData; none keeps a copy of its own.
import { schedParamsOf, type AclEntry, type CpuTuning, type HostDevice, type VmInfo } from '../../../shared';
import { without } from './records';
import type { SliceCreator } from './app-state';

export interface FetchData {
  acl: AclEntry[];
  hostDevices: HostDevice[];
  log: string[];
  sched: CpuTuning;
}
export type FetchKind = keyof FetchData;

/** The key of the host's device list, which is not per guest. */
export const HOST_KEY = 'host';
/** How much of a guest's log is kept: the Log tab shows all of it, the overview its end. */
export const LOG_LINES = 500;

export interface FetchEntry<T> {
  data: T | undefined;
  error: string | null;
  /** Bumped by every invalidation; the entry is stale while `answered` is below it. */
  version: number;
  /** The version whose request gave `data` or `error`; -1 before any answer. */
  answered: number;
  /** A request is under way; its answer lands here (there is at most one at a time). */
  loading: boolean;
}

export type Fetched = { [K in FetchKind]: Record<string, FetchEntry<FetchData[K]>> };

export const isStale = (e: FetchEntry<unknown> | undefined): boolean => !e || e.answered < e.version;

export interface FetchedSlice {
  fetched: Fetched;
  /** Marks a request as under way and returns its version; null if one already is. */
  fetchStarted(kind: FetchKind, key: string): number | null;
  fetchDone<K extends FetchKind>(kind: K, key: string, version: number, data: FetchData[K]): void;
  fetchFailed(kind: FetchKind, key: string, version: number, message: string): void;
  /** An answer that came with a write (devices:set returns the new ACL): held as fresh. */
  answerStored<K extends FetchKind>(kind: K, key: string, data: FetchData[K]): void;
  /** The entry is fetched again by the next view that shows it (at once, if one does). */
  invalidate(kind: FetchKind, key: string): void;
}

const EMPTY: FetchEntry<never> = { data: undefined, error: null, version: 0, answered: -1, loading: false };

/** `fetched` with one entry replaced. */
export function withEntry<K extends FetchKind>(
  fetched: Fetched,
  kind: K,
  key: string,
  update: (e: FetchEntry<FetchData[K]>) => FetchEntry<FetchData[K]>,
): Fetched {
  const kindMap = fetched[kind] as Record<string, FetchEntry<FetchData[K]>>;
  return { ...fetched, [kind]: { ...kindMap, [key]: update(kindMap[key] ?? EMPTY) } };
}

/**
 * The answer to the request made at `version`. An answer older than the one held is dropped; one overtaken by an
 * invalidation is kept (better than nothing) but leaves the entry stale, so it is fetched again.
 */
export const answered = <T>(e: FetchEntry<T>, version: number, answer: Pick<FetchEntry<T>, 'data' | 'error'>): FetchEntry<T> =>
  version < e.answered ? { ...e, loading: false } : { ...e, ...answer, answered: version, loading: false };

/** An answer that did not come from a fetch (a write's): newer than any request under way. */
export const stored = <T>(e: FetchEntry<T>, data: T): FetchEntry<T> => ({ ...e, data, error: null, version: e.version + 1, answered: e.version + 1 });

const bumped = <T>(e: FetchEntry<T>): FetchEntry<T> => ({ ...e, version: e.version + 1 });

/** `fetched` with the named entries stale (absent ones already are). */
export function invalidated(fetched: Fetched, kinds: readonly FetchKind[], key: string): Fetched {
  return kinds.reduce((f, kind) => (f[kind][key] ? withEntry(f, kind, key, bumped) : f), fetched);
}

type EntryMap = <T>(kind: FetchKind, entries: Record<string, FetchEntry<T>>) => Record<string, FetchEntry<T>>;

/** `fetched` with every kind's entries passed through `f`. */
const eachKind = (fetched: Fetched, f: EntryMap): Fetched => ({
  acl: f('acl', fetched.acl),
  hostDevices: f('hostDevices', fetched.hostDevices),
  log: f('log', fetched.log),
  sched: f('sched', fetched.sched),
});

/** After a full load: every entry stale, those of guests that are gone forgotten. */
export const fetchedAfterLoad = (fetched: Fetched, vms: Readonly<Record<string, unknown>>): Fetched =>
  eachKind(fetched, (kind, entries) =>
    Object.fromEntries(
      Object.entries(entries)
        .filter(([key]) => (kind === 'hostDevices' ? key === HOST_KEY : key in vms))
        .map(([key, e]) => [key, bumped(e)]),
    ),
  );

/** A removed guest's entries forgotten; the host's device list (which says who uses what) stale. */
export function fetchedWithout(fetched: Fetched, name: string): Fetched {
  const dropped = eachKind(fetched, (kind, entries) => (kind === 'hostDevices' ? entries : without(entries, name)));
  return invalidated(dropped, ['hostDevices'], HOST_KEY);
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const sameSched = (a: CpuTuning, b: CpuTuning) => sameJson(schedParamsOf(a), schedParamsOf(b));

/** `fetched` after a guest was added, changed state or got a new definition: what may now read differently is stale. */
export function fetchedAfterChange(fetched: Fetched, prev: VmInfo | undefined, next: VmInfo): Fetched {
  const name = next.definition.name;
  // A new guest starts with nothing cached, even if an answer for a removed one of the same name came late.
  if (!prev) return invalidated(fetchedWithout(fetched, name), ['hostDevices'], HOST_KEY);
  const stateChanged = prev.state !== next.state;
  const devicesChanged = !sameJson(prev.definition.devices, next.definition.devices) || !sameJson(prev.definition.disks, next.definition.disks);
  const rules: [FetchKind, boolean][] = [
    ['log', stateChanged],
    ['acl', stateChanged || devicesChanged],
    ['sched', stateChanged || !sameSched(prev.definition.cpu, next.definition.cpu)],
  ];
  const f = invalidated(
    fetched,
    rules.filter(([, stale]) => stale).map(([kind]) => kind),
    name,
  );
  // The host's list says which guests' definitions use each node: it follows their devices and disks, not their state.
  return devicesChanged ? invalidated(f, ['hostDevices'], HOST_KEY) : f;
}

export const fetchedSlice: SliceCreator<FetchedSlice> = (set, get) => ({
  fetched: { acl: {}, hostDevices: {}, log: {}, sched: {} },

  fetchStarted: (kind, key) => {
    const e = get().fetched[kind][key];
    if (e?.loading) return null;
    set((s) => ({ fetched: withEntry(s.fetched, kind, key, (x) => ({ ...x, loading: true })) }));
    return e?.version ?? EMPTY.version;
  },

  // An answer for an entry that is gone (its guest was removed meanwhile) is dropped: it must not reappear as fresh.
  fetchDone: (kind, key, version, data) =>
    set((s) => (s.fetched[kind][key] ? { fetched: withEntry(s.fetched, kind, key, (e) => answered(e, version, { data, error: null })) } : {})),

  fetchFailed: (kind, key, version, message) =>
    set((s) => (s.fetched[kind][key] ? { fetched: withEntry(s.fetched, kind, key, (e) => answered(e, version, { data: e.data, error: message })) } : {})),

  answerStored: (kind, key, data) =>
    set((s) => (kind === 'hostDevices' || s.vms[key] ? { fetched: withEntry(s.fetched, kind, key, (e) => stored(e, data)) } : {})),

  invalidate: (kind, key) => set((s) => ({ fetched: invalidated(s.fetched, [kind], key) })),
});
