// The guest's log (QEMU's output and the engine's notes about it), following while it runs.
import { useEffect, useId, useRef, useState } from 'react';
import { useApp } from '../../store/context';
import { LOG_LINES } from '../../store/slices/fetched';
import { useGuestLog } from './use-guest-log';

export function LogTab({ name }: { name: string }) {
  const running = useApp((s) => s.vms[name]?.state === 'running');
  const [follow, setFollow] = useState(true);
  const { data: log, error, reload } = useGuestLog(name, follow && running);
  const followId = useId();
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
      <pre ref={preRef} className="log" tabIndex={0} aria-label={`${name} log`}>
        {log === undefined ? 'Loading…' : log.length === 0 ? '(the log is empty)' : log.join('\n')}
      </pre>
    </div>
  );
}
