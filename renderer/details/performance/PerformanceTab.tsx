// Live CPU and memory graphs for the last two minutes at one sample per second, with every priority change marked on
// the timeline, so the effect of the slider can be seen.
import { useMemo } from 'react';
import { isLive } from '../../../shared';
import { formatBytes, formatCpuPercent } from '../../model/format';
import { formatMultiplier } from '../../model/priority-scale';
import { useApp } from '../../store/context';
import { HISTORY_MS } from '../../store/slices/history';
import { currentShares } from '../../store/slices/tuning';
import { TimeChart, type ChartMark } from './TimeChart';

const WINDOW_S = HISTORY_MS / 1000;
const NO_MARKS: ChartMark[] = [];

export function PerformanceTab({ name }: { name: string }) {
  const vm = useApp((s) => s.vms[name]);
  const history = useApp((s) => s.history[name]);
  const marks = useApp((s) => s.marks[name]);
  const now = useApp((s) => s.stats[name]);
  const shares = useApp((s) => currentShares(s, name));
  const statsFeature = useApp((s) => s.host?.features?.stats);

  const data = useMemo(() => {
    if (!history || history.at.length === 0) return null;
    const end = history.at[history.at.length - 1]!;
    const xs = history.at.map((a) => (a - end) / 1000);
    const chartMarks: ChartMark[] = (marks ?? [])
      .filter((m) => m.at >= end - HISTORY_MS && m.at <= end + 2000)
      .map((m) => ({ x: Math.min(0, (m.at - end) / 1000), label: formatMultiplier(m.shares) }));
    return { xs, cpu: history.cpuPercent, mem: history.memoryBytes, marks: chartMarks.length ? chartMarks : NO_MARKS };
  }, [history, marks]);

  if (!vm) return null;
  const running = isLive(vm.state);

  return (
    <div className="tab-body performance">
      {statsFeature?.available === false && (
        <p className="unavailable">Live statistics are unavailable on this host: {statsFeature.reason ?? 'no reason given'}</p>
      )}
      <div className="kpis">
        <div className="kpi">
          <span className="kpi__label">CPU</span>
          <span className="kpi__value">{now ? formatCpuPercent(now.cpuPercent) : '—'}</span>
          <span className="kpi__hint">100% = one host CPU</span>
        </div>
        <div className="kpi">
          <span className="kpi__label">Memory</span>
          <span className="kpi__value">{now ? formatBytes(now.memoryBytes) : '—'}</span>
          <span className="kpi__hint">used by the guest’s group</span>
        </div>
        <div className="kpi">
          <span className="kpi__label">Priority</span>
          <span className="kpi__value">{formatMultiplier(shares)}</span>
          <span className="kpi__hint">{shares} shares</span>
        </div>
      </div>
      {data === null ? (
        <p className="hint empty-chart">{running ? 'Waiting for the first samples…' : `${name} is not running: graphs appear when it starts.`}</p>
      ) : (
        <>
          <section className="card">
            <h3 className="section-title">CPU use, % of one host CPU</h3>
            <TimeChart
              label={`${name} CPU use`}
              xs={data.xs}
              ys={data.cpu}
              yTop={(max) => Math.max(100, Math.ceil(max / 50) * 50)}
              format={(v) => `${Math.round(v)}%`}
              marks={data.marks}
              windowS={WINDOW_S}
              colorVar="--chart-cpu"
            />
          </section>
          <section className="card">
            <h3 className="section-title">Memory</h3>
            <TimeChart
              label={`${name} memory use`}
              xs={data.xs}
              ys={data.mem}
              yTop={(max) => Math.max(vm.definition.memoryMiB * 1024 * 1024, max * 1.15, 1)}
              format={formatBytes}
              marks={data.marks}
              windowS={WINDOW_S}
              colorVar="--chart-mem"
            />
          </section>
          {data.marks.length > 0 && <p className="hint">Dashed lines mark priority changes.</p>}
        </>
      )}
    </div>
  );
}
