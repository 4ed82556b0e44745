// The guest list: a virtualized listbox (only the visible rows exist in the DOM, so 1000 guests scroll smoothly) with
// name, state, a CPU sparkline, priority and memory. Each row is an option named by the guest's name.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useDeferredValue, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { formatCpuPercent, formatMiB } from '../model/format';
import { SORT_KEYS, sortGuests, type SortKey, type SortOrder } from '../model/guest-order';
import { formatMultiplier } from '../model/priority-scale';
import { useApp, useAppStore } from '../store/context';
import { offlineReason } from '../store/slices/connection';
import { currentShares } from '../store/slices/tuning';
import { StateBadge } from '../ui/StateBadge';
import { Sparkline } from './Sparkline';

const ROW_HEIGHT = 40;
const SORT_LABEL: Record<SortKey, string> = { name: 'Name', state: 'State', cpu: 'CPU', priority: 'Priority', memory: 'Memory' };
const EMPTY: readonly number[] = [];

const GuestRow = memo(function GuestRow({ name, id, top, onPick }: { name: string; id: string; top: number; onPick: (n: string) => void }) {
  const vm = useApp((s) => s.vms[name]);
  const history = useApp((s) => s.history[name]);
  const cpu = useApp((s) => s.stats[name]?.cpuPercent);
  // The last figure the engine sent: while the page cannot reach it, that is history, not the present.
  const stale = useApp((s) => offlineReason(s) !== null);
  const shares = useApp((s) => currentShares(s, name));
  const selected = useApp((s) => s.selected === name);
  if (!vm) return null;
  return (
    <div
      id={id}
      role="option"
      aria-label={name}
      aria-selected={selected}
      className={`guest-row${selected ? ' guest-row--selected' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      onClick={() => onPick(name)}
    >
      <span className="guest-row__name" title={name}>
        {name}
      </span>
      <span className="guest-row__state">
        <StateBadge state={vm.state} />
      </span>
      <span className="guest-row__cpu">
        {/* A stopped guest's old samples would be a stale squiggle: its row shows none. */}
        <Sparkline at={cpu === undefined ? EMPTY : (history?.at ?? EMPTY)} values={cpu === undefined ? EMPTY : (history?.cpuPercent ?? EMPTY)} />
        <span
          className={stale ? 'guest-row__num guest-row__num--stale' : 'guest-row__num'}
          title={stale && cpu !== undefined ? 'last figure before the connection dropped' : undefined}
        >
          {cpu === undefined ? '—' : `${formatCpuPercent(cpu)}${stale ? ' (stale)' : ''}`}
        </span>
      </span>
      <span className="guest-row__prio" title={`${shares} shares`}>
        {formatMultiplier(shares)}
      </span>
      <span className="guest-row__mem">{formatMiB(vm.definition.memoryMiB)}</span>
    </div>
  );
});

export function GuestList() {
  const names = useApp((s) => s.names);
  const selected = useApp((s) => s.selected);
  const store = useAppStore();
  const [filter, setFilter] = useState('');
  const [order, setOrder] = useState<SortOrder>({ key: 'name', descending: false });
  const deferredFilter = useDeferredValue(filter);
  // Sorting by CPU follows the ticks; by anything else it changes only when the guests do.
  const stats = useApp((s) => (order.key === 'cpu' ? s.stats : null));
  // The list (1000 rows) follows only what its order reads: sorted by name, no guest or fetch update redraws it.
  const vms = useApp((s) => (order.key === 'name' ? null : s.vms));
  const fetched = useApp((s) => (order.key === 'priority' ? s.fetched : null));
  const shown = useMemo(() => {
    const q = deferredFilter.trim().toLowerCase();
    const kept = q ? names.filter((n) => n.toLowerCase().includes(q)) : names;
    if (!vms) return sortGuests(kept, order, () => ({ vm: undefined, cpuPercent: undefined, shares: 0 }));
    const sched = { vms, fetched: fetched ?? { sched: {} } };
    return sortGuests(kept, order, (n) => ({ vm: vms[n], cpuPercent: stats?.[n]?.cpuPercent, shares: currentShares(sched, n) }));
  }, [names, deferredFilter, order, stats, vms, fetched]);
  const sortBy = (key: SortKey) => setOrder((o) => ({ key, descending: o.key === key ? !o.descending : key === 'cpu' || key === 'priority' }));

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    initialRect: { width: 600, height: 600 },
  });

  const selectedIndex = selected === null ? -1 : shown.indexOf(selected);
  // The toolbar acts on the selected guest: one the filter hides must not stay selected out of sight.
  useEffect(() => {
    if (selected !== null && selectedIndex < 0 && deferredFilter.trim() !== '') store.getState().select(shown[0] ?? null);
  }, [selected, selectedIndex, deferredFilter, shown, store]);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const pick = useMemo(() => (n: string) => store.getState().select(n), [store]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (shown.length === 0) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: selectedIndex + 1,
      ArrowUp: selectedIndex - 1,
      PageDown: selectedIndex + page,
      PageUp: selectedIndex - page,
      Home: 0,
      End: shown.length - 1,
    };
    const to = moves[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const i = selectedIndex < 0 ? 0 : Math.min(shown.length - 1, Math.max(0, to));
    pick(shown[i]!);
  };

  const optionId = (i: number) => `guest-option-${i}`;
  return (
    <div className="guest-list">
      <div className="guest-list__filter">
        <input
          type="search"
          className="input input--search"
          placeholder="Filter guests by name"
          aria-label="Filter guests"
          value={filter}
          onChange={(e) => setFilter(e.currentTarget.value)}
        />
        <span className="count" aria-live="polite">
          {shown.length === names.length ? `${names.length} ${names.length === 1 ? 'guest' : 'guests'}` : `${shown.length} of ${names.length}`}
        </span>
      </div>
      <div className="guest-list__header" role="group" aria-label="Sort guests by">
        {SORT_KEYS.map((key) => (
          <button
            key={key}
            type="button"
            className="guest-list__sort"
            aria-pressed={order.key === key}
            title={`Sort by ${SORT_LABEL[key].toLowerCase()}`}
            onClick={() => sortBy(key)}
          >
            {SORT_LABEL[key]}
            {order.key === key && <span aria-hidden="true">{order.descending ? ' ▼' : ' ▲'}</span>}
          </button>
        ))}
      </div>
      <div
        ref={scrollRef}
        className="guest-list__scroll"
        role="listbox"
        aria-label="Guests"
        tabIndex={0}
        aria-activedescendant={selectedIndex >= 0 ? optionId(selectedIndex) : undefined}
        onKeyDown={onKeyDown}
      >
        <div className="guest-list__space" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((row) => {
            const name = shown[row.index]!;
            return <GuestRow key={name} name={name} id={optionId(row.index)} top={row.start} onPick={pick} />;
          })}
        </div>
        {shown.length === 0 && names.length > 0 && <p className="hint guest-list__none">No guest matches “{filter}”.</p>}
      </div>
    </div>
  );
}
