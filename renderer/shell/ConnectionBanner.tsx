// Web mode only: says when the page is not connected to the engine, why, and when it tries again.
import { useEffect, useState } from 'react';
import { useActions, useApp } from '../store/context';

export function ConnectionBanner({ tokenMissing, onRetry }: { tokenMissing: boolean; onRetry?: () => void }) {
  const conn = useApp((s) => s.connection);
  const loadError = useApp((s) => s.loadError);
  const loaded = useApp((s) => s.loaded);
  const actions = useActions();
  const [, tick] = useState(0);
  const retryAt = conn?.retryAt;
  useEffect(() => {
    if (!retryAt) return;
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [retryAt]);

  if (conn && conn.state !== 'open') {
    const seconds = retryAt ? Math.max(0, Math.ceil((retryAt - Date.now()) / 1000)) : 0;
    return (
      <section className="banner banner--error" role="alert" aria-label="Connection">
        <div className="banner__body">
          <p className="banner__title">
            {conn.state === 'connecting'
              ? conn.opens > 0
                ? 'Reconnecting to the cgvirt engine…'
                : 'Connecting to the cgvirt engine…'
              : 'Not connected to the cgvirt engine'}
          </p>
          {tokenMissing && (
            <p>
              This page has no access token. Open the address <code>npm run serve</code> printed (it ends in <code>?token=…</code>).
            </p>
          )}
          {conn.state === 'closed' && conn.lastError && <p>{conn.lastError}</p>}
          {conn.state === 'closed' && retryAt && <p className="muted">Trying again in {seconds} s. Guests keep running meanwhile.</p>}
        </div>
        {conn.state === 'closed' && onRetry && (
          <button type="button" className="button" onClick={onRetry}>
            Retry now
          </button>
        )}
      </section>
    );
  }
  if (loadError) {
    return (
      <section className="banner banner--error" role="alert" aria-label="Loading">
        <div className="banner__body">
          <p className="banner__title">{loaded ? 'Could not refresh the guest list' : 'Could not load the guest list'}</p>
          <p>{loadError}</p>
        </div>
        <button type="button" className="button" onClick={() => void actions.refresh()}>
          Try again
        </button>
      </section>
    );
  }
  return null;
}
