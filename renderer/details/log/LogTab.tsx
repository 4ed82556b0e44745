// The guest's log: first the trail of what cgvirt did to it (starts and stops, priority, cap, devices, settings, a
// reattach), then QEMU's own output; following while it runs.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { splitLog } from '../../model/log-trail';
import { useApp } from '../../store/context';
import { LOG_LINES } from '../../store/slices/fetched';
import { useGuestLog } from './use-guest-log';

export function LogTab({ name }: { name: string }) {
  const running = useApp((s) => s.vms[name]?.state === 'running');
  const [follow, setFollow] = useState(true);
  const { data: log, error, reload } = useGuestLog(name, follow && running);
  const followId = useId();
  const { trail, qemu } = useMemo(() => splitLog(log ?? []), [log]);
  const preRef = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const pre = preRef.current;
    if (pre && follow) pre.scrollTop = pre.scrollHeight;
  }, [log, follow]);

  return (
    <div className="tab-body log-tab">
      <div className="log-tab__bar">
        <span className="checkbox-field">
          <input id={followId} type="checkbox" className="checkbox" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} />
          <label htmlFor={followId}>Follow while running</label>
        </span>
        <button type="button" className="button" onClick={reload}>
          Refresh
        </button>
        <span className="muted">last {LOG_LINES} lines</span>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <section aria-label={`What cgvirt did to ${name}`}>
        <h3 className="section-title">What cgvirt did</h3>
        {log !== undefined && trail.length === 0 && <p className="hint">Nothing yet.</p>}
        <ol className="trail">
          {trail.map((e, i) => (
            <li key={i} className="trail__item">
              <time className="trail__time muted" dateTime={e.at}>
                {new Date(e.at).toLocaleString()}
              </time>{' '}
              {e.text}
              {e.full && (
                <details className="trail__full">
                  <summary>command line</summary>
                  <code>{e.full}</code>
                </details>
              )}
            </li>
          ))}
        </ol>
      </section>
      <h3 className="section-title">QEMU output</h3>
      <pre ref={preRef} className="log" tabIndex={0} aria-label={`${name} log`}>
        {log === undefined ? 'Loading…' : qemu.length === 0 ? '(QEMU has written nothing)' : qemu.join('\n')}
      </pre>
    </div>
  );
}
