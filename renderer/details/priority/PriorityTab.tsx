// The CPU priority tab: relative priority (cpu_shares) with the share each running guest would get, and the optional
// CPU cap. Drags preview; a release applies with the scope the guest's state allows (live+config, or config only).
import { useEffect, useId, useMemo, useState } from 'react';
import { CPU_PERIOD_US, CPU_SHARES, isLive, isTransient } from '../../../shared';
import { allocateCpu, cpuList, idleDemands, recentUse, withDemands, type Contender } from '../../model/contention';
import { capToQuota, formatCap, quotaToCap } from '../../model/cpu-cap';
import { formatMultiplier } from '../../model/priority-scale';
import { useActions, useApp } from '../../store/context';
import { offlineReason } from '../../store/slices/connection';
import { currentCpu } from '../../store/slices/tuning';
import { useGuestData } from '../../store/use-guest-data';
import { PrioritySlider } from '../../ui/PrioritySlider';
import { ScopeNotice } from '../../ui/ScopeNotice';
import { useAction } from '../../ui/use-action';
import { useSerial } from '../../ui/use-serial';
import { CpuCap } from './CpuCap';
import { ShareBar } from './ShareBar';
import { SharesInput } from './SharesInput';

/** How far back a guest's use is read to tell whether it idles. */
const USE_WINDOW_MS = 5000;

export function PriorityTab({ name }: { name: string }) {
  const vm = useApp((s) => s.vms[name]);
  const cpu = useApp((s) => currentCpu(s, name));
  const features = useApp((s) => s.host?.features);
  const offline = useApp(offlineReason);
  const vms = useApp((s) => s.vms);
  const sched = useApp((s) => s.fetched.sched);
  const history = useApp((s) => s.history);
  const marks = useApp((s) => s.marks);
  const hostCpus = useApp((s) => s.host?.cpus ?? 1);
  const actions = useActions();
  const scopeId = useId();
  // Read what the engine applies now; the cache reads it again when the guest's state changes.
  const read = useGuestData('sched', name);

  const [draftShares, setDraftShares] = useState<number | null>(null);
  const [draftCap, setDraftCap] = useState<{ cap: number | null } | null>(null);
  const [sharesNotice, setSharesNotice] = useState<string | null>(null);
  const [capNotice, setCapNotice] = useState<string | null>(null);
  useEffect(() => {
    setDraftShares(null);
    setDraftCap(null);
    setSharesNotice(null);
    setCapNotice(null);
  }, [name]);

  const committed = cpu.shares ?? CPU_SHARES.default;
  const shown = draftShares ?? committed;
  const periodUs = cpu.periodUs ?? CPU_PERIOD_US.default;
  const committedCap = quotaToCap(cpu.quotaUs, periodUs);
  const shownCap = draftCap ? draftCap.cap : committedCap;

  const hypothetical = vm?.state !== 'running';
  // Every running guest as the kernel sees it, this one with the values being dragged. Which guests idle is judged on
  // the values in force (what their samples were taken under), so the preview shows what a change would give.
  const allocations = useMemo(() => {
    const applied: Contender[] = [];
    const measured: Record<string, number> = {};
    for (const [n, v] of Object.entries(vms)) {
      if (n !== name && v.state !== 'running') continue;
      const c = currentCpu({ vms, fetched: { sched } }, n);
      const cap = quotaToCap(c.quotaUs, c.periodUs ?? CPU_PERIOD_US.default);
      applied.push({
        name: n,
        shares: c.shares ?? CPU_SHARES.default,
        vcpus: v.definition.vcpus,
        cpus: v.definition.cpu.cpuset ? cpuList(v.definition.cpu.cpuset) : undefined,
        capCpus: cap === null ? undefined : cap / 100,
      });
      // Samples from before a priority change describe the old settings: until they age out, no idleness is read.
      const changedAt = marks[n]?.at(-1)?.at ?? -Infinity;
      const h = history[n];
      const use = v.state === 'running' && h && (h.at.at(-1) ?? 0) - changedAt > USE_WINDOW_MS ? recentUse(h.at, h.cpuPercent, USE_WINDOW_MS) : undefined;
      if (use !== undefined) measured[n] = use;
    }
    const cpus = cpuList(hostCpus);
    const preview = applied.map((g) => (g.name === name ? { ...g, shares: shown, capCpus: shownCap === null ? undefined : shownCap / 100 } : g));
    return allocateCpu(withDemands(preview, idleDemands(applied, cpus, measured)), cpus);
  }, [vms, sched, history, marks, hostCpus, name, shown, shownCap]);

  const [apply, applyState] = useAction(actions.applyPriority);
  const serialShares = useSerial();
  const serialCap = useSerial();

  if (!vm) return null;
  const priorityUnavailable = features?.cpuPriority?.available === false ? (features.cpuPriority.reason ?? 'not available on this host') : null;
  const capUnavailable = features?.cpuCap?.available === false ? (features.cpuCap.reason ?? 'not available on this host') : null;
  // Not disabled while an apply is in flight: a disabled control drops keyboard focus.
  const busy = isTransient(vm.state) || offline !== null;

  const commitShares = (value: number) => {
    setSharesNotice(null);
    setDraftShares(value);
    void serialShares(async () => {
      const done = await apply(name, { shares: value });
      if (done) {
        const what = `${formatMultiplier(value)} (${value} shares)`;
        setSharesNotice(done.live ? `Applied ${what}: in effect now and saved.` : `Saved ${what}: takes effect at the next start.`);
      }
      setDraftShares((d) => (d === value ? null : d));
    });
  };

  const commitCap = (cap: number | null) => {
    setCapNotice(null);
    setDraftCap({ cap });
    void serialCap(async () => {
      const done = await apply(name, { cap });
      if (done) {
        const { live } = done;
        setCapNotice(
          `${live ? 'Applied' : 'Saved'} CPU cap: ${cap === null ? 'unlimited' : formatCap(cap)}${live ? ', in effect now.' : ', from the next start.'}`,
        );
      }
      setDraftCap((d) => (d?.cap === cap ? null : d));
    });
  };

  return (
    <div className="tab-body priority-tab">
      <ScopeNotice state={vm.state} id={scopeId} />
      {read.error && (
        <p className="field-error" role="alert">
          Could not read the current values: {read.error}
        </p>
      )}
      {applyState.error && (
        <p className="field-error" role="alert">
          {applyState.error}
        </p>
      )}

      <section className="card" aria-labelledby={`${scopeId}-prio`}>
        <h3 id={`${scopeId}-prio`} className="section-title">
          Relative priority
        </h3>
        <p className="hint">
          When guests compete for CPU, each gets time in proportion to its priority. 1× is the default ({CPU_SHARES.default} shares); 2× gets twice the CPU
          of a 1× guest. An idle host gives every guest what it asks for.
        </p>
        {priorityUnavailable ? (
          <p className="unavailable">CPU priority is unavailable on this host: {priorityUnavailable}</p>
        ) : (
          <div className="priority-row">
            <PrioritySlider shares={shown} disabled={busy} describedBy={scopeId} onPreview={(v) => setDraftShares(v)} onCommit={commitShares} />
            <SharesInput shares={shown} disabled={busy} onCommit={commitShares} />
            <button type="button" className="button" disabled={busy} onClick={() => commitShares(CPU_SHARES.default)}>
              Reset to 1×
            </button>
          </div>
        )}
        {sharesNotice && (
          <p className="notice" role="status">
            {sharesNotice}
          </p>
        )}
        <ShareBar allocations={allocations} hostCpus={hostCpus} focus={name} hypothetical={hypothetical} />
        {hypothetical && (
          <p className="hint">
            {name} is {isLive(vm.state) ? 'paused' : 'not running'}; the bar shows what it would get {isLive(vm.state) ? 'once resumed' : 'if started now'}
            .
          </p>
        )}
      </section>

      <section className="card" aria-labelledby={`${scopeId}-cap`}>
        <h3 id={`${scopeId}-cap`} className="section-title">
          CPU cap
        </h3>
        <p className="hint">A hard ceiling, enforced even when the host is idle. Most guests need none.</p>
        {capUnavailable ? (
          <p className="unavailable">A CPU cap is unavailable on this host: {capUnavailable}</p>
        ) : (
          <CpuCap
            cap={shownCap}
            vcpus={vm.definition.vcpus}
            disabled={busy}
            describedBy={scopeId}
            onPreview={(cap) => setDraftCap({ cap })}
            onCommit={commitCap}
          />
        )}
        {shownCap !== null && (
          <p className="hint">
            cpu_quota {capToQuota(shownCap, periodUs)} µs per cpu_period {periodUs} µs
          </p>
        )}
        {capNotice && (
          <p className="notice" role="status">
            {capNotice}
          </p>
        )}
      </section>
    </div>
  );
}
