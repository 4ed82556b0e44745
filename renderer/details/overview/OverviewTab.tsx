// The guest at a glance: state, identity, resources, disks, its cgroups, the end of its log; and Delete.
import { useState } from 'react';
import { canDo, CPU_PERIOD_US, hasProcess } from '../../../shared';
import { DeleteGuestDialog } from '../../dialogs/GuestConfirmations';
import { formatCap, quotaToCap } from '../../model/cpu-cap';
import { formatMiB } from '../../model/format';
import { formatMultiplier } from '../../model/priority-scale';
import { useApp, useAppStore } from '../../store/context';
import { currentShares } from '../../store/slices/tuning';
import { StateBadge } from '../../ui/StateBadge';
import { useGuestLog } from '../log/use-guest-log';

/** The overview shows the end of the log the Log tab shows in full. */
const TAIL_LINES = 12;

export function OverviewTab({ name }: { name: string }) {
  const vm = useApp((s) => s.vms[name]);
  const shares = useApp((s) => currentShares(s, name));
  const store = useAppStore();
  const [confirm, setConfirm] = useState(false);
  const running = vm?.state === 'running';
  const { data: log, error } = useGuestLog(name, running);
  if (!vm) return null;
  const d = vm.definition;
  const cap = quotaToCap(d.cpu.quotaUs, d.cpu.periodUs ?? CPU_PERIOD_US.default);
  const cgroups = Object.entries(vm.cgroups ?? {});
  const stopped = !hasProcess(vm.state);
  const deletable = canDo('undefine', vm.state);

  return (
    <div className="tab-body overview">
      <dl className="facts">
        <dt>State</dt>
        <dd>
          <StateBadge state={vm.state} />
          {vm.reason && <span className="facts__reason"> — {vm.reason}</span>}
        </dd>
        <dt>UUID</dt>
        <dd>
          <code>{d.uuid}</code>
        </dd>
        <dt>Memory</dt>
        <dd>
          {formatMiB(d.memoryMiB)}
          {d.memoryLimitMiB !== undefined && ` (group limit ${formatMiB(d.memoryLimitMiB)})`}
        </dd>
        <dt>vCPUs</dt>
        <dd>
          {d.vcpus}
          {d.cpu.cpuset && ` on host CPUs ${d.cpu.cpuset}`}
        </dd>
        <dt>CPU priority</dt>
        <dd>
          {formatMultiplier(shares)} <span className="muted">({shares} shares)</span>
        </dd>
        <dt>CPU cap</dt>
        <dd>{formatCap(cap)}</dd>
        <dt>Disks</dt>
        <dd>
          {d.disks.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            <ul className="path-list">
              {d.disks.map((disk) => (
                <li key={disk.path}>
                  <code>{disk.path}</code>{' '}
                  <span className="muted">
                    {disk.format}, {disk.bus}
                    {disk.readonly ? ', read-only' : ''}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Cgroups</dt>
        <dd>
          {cgroups.length === 0 ? (
            <span className="muted">{stopped ? 'none while shut off (created at start)' : 'not reported'}</span>
          ) : (
            <ul className="path-list">
              {cgroups.map(([controller, path]) => (
                <li key={controller}>
                  <span className="muted">{controller}:</span> <code>{path}</code>
                </li>
              ))}
            </ul>
          )}
        </dd>
        {vm.pid !== undefined && (
          <>
            <dt>QEMU process</dt>
            <dd>pid {vm.pid}</dd>
          </>
        )}
        <dt>Autostart</dt>
        <dd>{d.autostart ? 'yes' : 'no'}</dd>
      </dl>

      <section className="card">
        <div className="card__head">
          <h3 className="section-title">Log</h3>
          <button type="button" className="link-button" onClick={() => store.getState().setTab('log')}>
            Open full log
          </button>
        </div>
        {error ? (
          <p className="field-error">{error}</p>
        ) : (
          <pre className="log log--tail" aria-label={`Last lines of ${name}'s log`}>
            {log === undefined ? 'Loading…' : log.length === 0 ? '(empty)' : log.slice(-TAIL_LINES).join('\n')}
          </pre>
        )}
      </section>

      <section className="card card--danger">
        <h3 className="section-title">Delete</h3>
        <p className="hint">
          Removes the guest’s definition. Disk images are kept.
          {!deletable && ' Shut the guest down first.'}
        </p>
        <button type="button" className="button button--danger" disabled={!deletable} onClick={() => setConfirm(true)}>
          Delete guest…
        </button>
      </section>
      {confirm && <DeleteGuestDialog vm={vm} onDone={() => setConfirm(false)} />}
    </div>
  );
}
