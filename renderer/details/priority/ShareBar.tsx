// "Share of contended CPU": what each running guest would get if all wanted CPU at once (weight ÷ sum), as a stacked
// bar and a readable list. The focused guest is highlighted; a shut-off one is shown as "if started".
import { useId } from 'react';
import { formatMultiplier } from '../../model/priority-scale';
import { topShares, type Share } from '../../model/contended-share';
import { formatPercent } from '../../model/format';

const SHOWN = 6;

export function ShareBar({ shares, focus, hypothetical }: { shares: Share[]; focus: string; hypothetical: boolean }) {
  const { shown, others } = topShares(shares, SHOWN, focus);
  const titleId = useId();
  const summary = shown.map((s) => `${s.name} ${formatPercent(s.fraction)}`).join(', ');

  return (
    <section className="share" aria-labelledby={titleId}>
      <h3 id={titleId} className="section-title">
        Share of contended CPU
      </h3>
      {shares.length <= 1 && (
        <p className="hint">
          {shares.length === 0
            ? 'No guest is running.'
            : hypothetical
              ? `No other guest is running: ${focus} could use all the CPU it wants. Priority matters once guests compete.`
              : `${focus} is the only running guest: it may use all the CPU it wants. Priority matters once guests compete.`}
        </p>
      )}
      {shares.length > 0 && (
        <>
          <div className="share-bar" role="img" aria-label={`Share of contended CPU: ${summary}`}>
            {shown.map((s, i) => (
              <div
                key={s.name}
                className={`share-bar__seg ${s.name === focus ? 'share-bar__seg--focus' : `share-bar__seg--${i % 3}`}`}
                style={{ flexGrow: s.fraction }}
                title={`${s.name}: ${formatPercent(s.fraction)}`}
              >
                {s.fraction >= 0.08 && <span>{formatPercent(s.fraction)}</span>}
              </div>
            ))}
            {others.count > 0 && <div className="share-bar__seg share-bar__seg--others" style={{ flexGrow: others.fraction }} />}
          </div>
          <ul className="share-list">
            {shown.map((s) => (
              <li key={s.name} className={s.name === focus ? 'share-list__item share-list__item--focus' : 'share-list__item'}>
                <span className="share-list__name">
                  {s.name}
                  {s.name === focus && hypothetical ? ' (if started)' : ''}
                </span>
                <span className="share-list__mult">{formatMultiplier(s.shares)}</span>
                <span className="share-list__pct" data-testid={`share-${s.name}`}>
                  {formatPercent(s.fraction)}
                </span>
              </li>
            ))}
            {others.count > 0 && (
              <li className="share-list__item share-list__item--others">
                <span className="share-list__name">{others.count} other running guests</span>
                <span className="share-list__mult" />
                <span className="share-list__pct">{formatPercent(others.fraction)}</span>
              </li>
            )}
          </ul>
        </>
      )}
    </section>
  );
}
