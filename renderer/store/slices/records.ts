// Small helpers for the store's per-guest records: updates keep the old object when nothing changed, so views that
// select it do not re-render.

/** The record without `key` (the same object when it has none). */
export function without<T>(rec: Record<string, T>, key: string): Record<string, T> {
  if (!(key in rec)) return rec;
  const { [key]: _gone, ...rest } = rec;
  return rest;
}

/** The record's entries for the keys in `keep` only. */
export const keeping = <T>(rec: Record<string, T>, keep: Readonly<Record<string, unknown>>): Record<string, T> =>
  Object.fromEntries(Object.entries(rec).filter(([k]) => k in keep));
