// The one way a view reads data fetched per guest (or the host's device list): from the store's cache, fetched when
// the view needs it and the entry is missing or stale — after the guest's state or definition changed, after every
// full reload, or when the view asks with `reload`.
import { useCallback, useEffect } from 'react';
import { isStale, type FetchData, type FetchKind } from './slices/fetched';
import { useActions, useApp, useAppStore } from './context';

export interface GuestData<T> {
  /** The last answer, kept while a newer one is fetched; undefined before the first. */
  data: T | undefined;
  /** The engine's words when the last request failed. */
  error: string | null;
  /** `data` describes an earlier state (a newer answer is on its way): show it as such, not as current. */
  stale: boolean;
  /** Fetch again now (a Refresh button, a timer). */
  reload(): void;
}

export function useGuestData<K extends FetchKind>(kind: K, key: string): GuestData<FetchData[K]> {
  const entry = useApp((s) => s.fetched[kind][key]);
  const actions = useActions();
  const store = useAppStore();
  const due = isStale(entry) && !entry?.loading;
  useEffect(() => {
    if (due) void actions.fetchGuestData(kind, key);
  }, [due, kind, key, actions]);
  const reload = useCallback(() => store.getState().invalidate(kind, key), [store, kind, key]);
  return { data: entry?.data, error: entry?.error ?? null, stale: isStale(entry), reload };
}
