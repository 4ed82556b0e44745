// "CPU when guests compete": what each running guest gets when all of them run at once, from the contention model
// (renderer/model/contention.ts: weights, vCPUs, cpusets, caps, and what each actually uses), in % of one host CPU —
// the unit of the guest list and the graphs. A stacked bar of the host's CPUs, with what nobody takes shown as free.
import { useId } from 'react';
import type { Allocation, LimitedBy } from '../../model/contention';
import { formatCpuPercent } from '../../model/format';
import { formatMultiplier } from '../../model/priority-scale';

const SHOWN = 6;

const WHY: Record<LimitedBy, string> = {
  share: 'its share',
  vcpus: 'all its vCPUs can use',
  cpuset: 'all its pinned CPUs',
  cap: 'its cap',
  demand: 'all it uses now',
};

/** At most `limit` entries, the largest first; the focused guest is always among them; the rest summed. */
function topAllocations(all: readonly Allocation[], limit: number, keep?: string): { shown: Allocation[]; others: { count: number; cpus: number } } {
  const sorted = [...all].sort((a, b) => b.cpus - a.cpus || a.name.localeCompare(b.name));
  let shown = sorted.slice(0, limit);
  if (keep && !shown.some((s) => s.name === keep)) {
    const kept = sorted.find((s) => s.name === keep);
    if (kept) shown = [...shown.slice(0, Math.max(0, limit - 1)), kept];
  }
  const names = new Set(shown.map((s) => s.name));
  const rest = sorted.filter((s) => !names.has(s.name));
  return { shown, others: { count: rest.length, cpus: rest.reduce((sum, s) => sum + s.cpus, 0) } };
}

const pct = (cpus: number) => formatCpuPercent(cpus * 100);

export function ShareBar({
  allocations,
  hostCpus,
  focus,
  hypothetical,
}: {
  allocations: Allocation[];
  hostCpus: number;
  focus: string;
  hypothetical: boolean;
}) {
  const { shown, others } = topAllocations(allocations, SHOWN, focus);
  const titleId = useId();
  const used = allocations.reduce((sum, a) => sum + a.cpus, 0);
  const free = Math.max(0, hostCpus - used);
  const summary = shown.map((s) => `${s.name} ${pct(s.cpus)}`).join(', ');

  return (
    <section className="share" aria-labelledby={titleId}>
      <h3 id={titleId} className="section-title">
        CPU when guests compete
      </h3>
      <p className="hint">
        What each running guest gets when all of them run at once, in % of one host CPU (the host has {hostCpus}). A guest never gets more than its vCPUs,
        pinned CPUs or cap allow, and a guest that idles leaves its share to the others.
      </p>
      {allocations.length <= 1 && (
        <p className="hint">
          {allocations.length === 0
            ? 'No guest is running.'
            : hypothetical
              ? `No other guest is running: ${focus} could use all the CPU it wants. Priority matters once guests compete.`
              : `${focus} is the only running guest: it may use all the CPU it wants. Priority matters once guests compete.`}
        </p>
      )}
      {allocations.length > 0 && (
        <>
          <div className="share-bar" role="img" aria-label={`CPU when guests compete: ${summary}${free > 0.005 ? `, free ${pct(free)}` : ''}`}>
            {shown.map((s, i) => (
              <div
                key={s.name}
                className={`share-bar__seg ${s.name === focus ? 'share-bar__seg--focus' : `share-bar__seg--${i % 3}`}`}
                style={{ flexGrow: s.cpus }}
                title={`${s.name}: ${pct(s.cpus)}`}
              >
                {s.cpus / hostCpus >= 0.08 && <span>{pct(s.cpus)}</span>}
              </div>
            ))}
            {others.count > 0 && <div className="share-bar__seg share-bar__seg--others" style={{ flexGrow: others.cpus }} />}
            {free > 0.005 && <div className="share-bar__seg share-bar__seg--free" style={{ flexGrow: free }} title={`free: ${pct(free)}`} />}
          </div>
          <ul className="share-list">
            {shown.map((s) => (
              <li key={s.name} className={s.name === focus ? 'share-list__item share-list__item--focus' : 'share-list__item'}>
                <span className="share-list__name">
                  {s.name}
                  {s.name === focus && hypothetical ? ' (if started)' : ''}
                  <span className="muted"> — {WHY[s.limitedBy]}</span>
                </span>
                <span className="share-list__mult">{formatMultiplier(s.shares)}</span>
                <span className="share-list__pct" data-testid={`share-${s.name}`}>
                  {pct(s.cpus)}
                </span>
              </li>
            ))}
            {others.count > 0 && (
              <li className="share-list__item share-list__item--others">
                <span className="share-list__name">{others.count} other running guests</span>
                <span className="share-list__mult" />
                <span className="share-list__pct">{pct(others.cpus)}</span>
              </li>
            )}
          </ul>
        </>
      )}
    </section>
  );
}
