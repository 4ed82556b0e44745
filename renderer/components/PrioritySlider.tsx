// The relative CPU priority control: a logarithmic slider (¼×…8×, snapping to 1×) with the native cpu_shares value
// beside it, editable. The slider's accessible name is exactly "CPU priority".
import { useEffect, useId, useState } from 'react';
import { CPU_SHARES, cpuSharesSchema } from '../../shared';
import {
  PRIORITY_SCALE,
  formatMultiplier,
  positionToShares,
  sharesToPosition,
  snap,
  stepFrom,
} from '../model/priority-scale';
import { RangeSlider, type SliderKey } from './RangeSlider';

const TICKS = [-2, -1, 0, 1, 2, 3];
const STEPS: Record<SliderKey, number> = {
  ArrowLeft: -1,
  ArrowDown: -1,
  ArrowRight: 1,
  ArrowUp: 1,
  PageDown: -PRIORITY_SCALE.stepsPerOctave / 2,
  PageUp: PRIORITY_SCALE.stepsPerOctave / 2,
  Home: -Infinity,
  End: Infinity,
};

export interface PrioritySliderProps {
  shares: number;
  disabled?: boolean;
  describedBy?: string;
  onPreview: (shares: number) => void;
  onCommit: (shares: number) => void;
}

export function PrioritySlider({ shares, disabled, describedBy, onPreview, onCommit }: PrioritySliderProps) {
  const id = useId();
  const position = sharesToPosition(shares);
  const outside = shares < positionToShares(PRIORITY_SCALE.min) || shares > positionToShares(PRIORITY_SCALE.max);
  const span = PRIORITY_SCALE.max - PRIORITY_SCALE.min;

  return (
    <div className="priority-slider">
      <div className="priority-slider__head">
        <label htmlFor={id} className="field-label">
          CPU priority
        </label>
        <output htmlFor={id} className="priority-slider__value" aria-hidden="true">
          {formatMultiplier(shares)}
        </output>
      </div>
      <RangeSlider
        id={id}
        min={PRIORITY_SCALE.min}
        max={PRIORITY_SCALE.max}
        value={position}
        valueText={`${formatMultiplier(shares)} of the default, ${shares} shares`}
        disabled={disabled}
        describedBy={describedBy}
        snap={snap}
        keyStep={(pos, key) => {
          const steps = STEPS[key];
          if (steps === -Infinity) return PRIORITY_SCALE.min;
          if (steps === Infinity) return PRIORITY_SCALE.max;
          return stepFrom(pos, steps);
        }}
        onPreview={(pos) => onPreview(positionToShares(pos))}
        onCommit={(pos) => onCommit(positionToShares(pos))}
      />
      <div className="priority-slider__ticks" aria-hidden="true">
        {TICKS.map((t) => (
          <span key={t} className={t === 0 ? 'tick tick--default' : 'tick'} style={{ left: `${((t - PRIORITY_SCALE.min) / span) * 100}%` }}>
            {formatMultiplier(positionToShares(t))}
          </span>
        ))}
      </div>
      {outside && <p className="hint">{shares} shares is outside the slider’s range; the slider shows the nearest end.</p>}
    </div>
  );
}

/** The native `cpu_shares` value, editable; checked with the engine's own rule before it is sent. */
export function SharesInput({ shares, disabled, onCommit }: { shares: number; disabled?: boolean; onCommit: (shares: number) => void }) {
  const id = useId();
  const [text, setText] = useState(String(shares));
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setText(String(shares));
    setProblem(null);
  }, [shares]);

  const commit = () => {
    if (text === String(shares)) return;
    const n = text.trim() === '' ? NaN : Number(text);
    const parsed = cpuSharesSchema.safeParse(Number.isNaN(n) ? text : n);
    if (!parsed.success) {
      setProblem(parsed.error.issues[0]?.message ?? 'not a valid value');
      return;
    }
    setProblem(null);
    onCommit(parsed.data);
  };

  return (
    <div className="shares-input">
      <label htmlFor={id} className="field-label">
        cpu_shares
      </label>
      <input
        id={id}
        className="input input--number"
        type="number"
        inputMode="numeric"
        min={CPU_SHARES.min}
        max={CPU_SHARES.max}
        step={1}
        value={text}
        disabled={disabled}
        aria-invalid={problem !== null}
        aria-describedby={problem ? `${id}-problem` : undefined}
        onChange={(e) => setText(e.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') {
            setText(String(shares));
            setProblem(null);
          }
        }}
      />
      {problem && (
        <p id={`${id}-problem`} className="field-error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
