// The relative CPU priority control: a logarithmic slider (¼×…8×, snapping to 1×), in the CPU priority tab and the New
// guest dialog. Its accessible name is exactly "CPU priority".
import { useId } from 'react';
import { PRIORITY_SCALE, formatMultiplier, keyMove, positionToShares, sharesToPosition, snap } from '../model/priority-scale';
import { RangeSlider, SliderHead } from './RangeSlider';

const TICKS = [-2, -1, 0, 1, 2, 3];

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
      <SliderHead id={id} label="CPU priority" value={formatMultiplier(shares)} />
      <RangeSlider
        id={id}
        min={PRIORITY_SCALE.min}
        max={PRIORITY_SCALE.max}
        value={position}
        valueText={`${formatMultiplier(shares)} of the default, ${shares} shares`}
        disabled={disabled}
        describedBy={describedBy}
        snap={snap}
        keyStep={keyMove}
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
