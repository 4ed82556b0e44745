// The guest list's order: by name (natural: web-2 before web-10) unless the user sorts by a column. Ties keep the
// name order, so a sort by state lists each state's guests alphabetically.
import type { VmInfo, VmState } from '../../shared';

export const SORT_KEYS = ['name', 'state', 'cpu', 'priority', 'memory'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export interface SortOrder {
  key: SortKey;
  descending: boolean;
}

/** Running first, then the ones on their way, then the stopped ones. */
const STATE_RANK: Record<VmState, number> = { running: 0, paused: 1, starting: 2, stopping: 3, crashed: 4, shutoff: 5 };

export interface SortFacts {
  vm: VmInfo | undefined;
  cpuPercent: number | undefined;
  shares: number;
}

/** `names` (already in name order) in the order asked for. */
export function sortGuests(names: readonly string[], order: SortOrder, facts: (name: string) => SortFacts): string[] {
  if (order.key === 'name') return order.descending ? [...names].reverse() : [...names];
  const value = (n: string): number => {
    const f = facts(n);
    if (order.key === 'state') return f.vm ? STATE_RANK[f.vm.state] : 99;
    if (order.key === 'cpu') return f.cpuPercent ?? -1;
    if (order.key === 'priority') return f.shares;
    return f.vm?.definition.memoryMiB ?? 0;
  };
  const rank = new Map(names.map((n, i) => [n, i]));
  const values = new Map(names.map((n) => [n, value(n)]));
  const sign = order.descending ? -1 : 1;
  return [...names].sort((a, b) => sign * (values.get(a)! - values.get(b)!) || rank.get(a)! - rank.get(b)!);
}
