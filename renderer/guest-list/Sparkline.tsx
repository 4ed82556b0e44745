// A guest's recent CPU use as a tiny line, newest at the right, one pixel column per couple of seconds. Decorative:
// the number beside it carries the value for screen readers.
import { memo } from 'react';
import { HISTORY_MS } from '../store/slices/history';

const W = 72;
const H = 20;

export const Sparkline = memo(function Sparkline({ at, values }: { at: readonly number[]; values: readonly number[] }) {
  if (values.length < 2) return <svg className="sparkline" width={W} height={H} aria-hidden="true" />;
  const end = at[at.length - 1]!;
  const top = Math.max(100, ...values);
  let d = '';
  for (let i = 0; i < values.length; i++) {
    const x = W - ((end - at[i]!) / HISTORY_MS) * W;
    const y = H - 1 - (values[i]! / top) * (H - 2);
    d += `${i === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`;
  }
  const firstX = W - ((end - at[0]!) / HISTORY_MS) * W;
  return (
    <svg className="sparkline" width={W} height={H} viewBox={`0 0 ${W} ${H}`} aria-hidden="true" focusable="false">
      <path className="sparkline__area" d={`${d}L${W} ${H}L${firstX.toFixed(1)} ${H}Z`} />
      <path className="sparkline__line" d={d} />
    </svg>
  );
});
