// The optional CPU cap, as a percentage of one host CPU; the slider's right end is "unlimited" (the default).
// Stored as CFS bandwidth (cpu_quota µs per cpu_period µs).
import { useId } from 'react';
import { CAP_MIN_PERCENT, capMaxPercent, formatCap } from '../../model/cpu-cap';
import { RangeSlider, SliderHead, type SliderKey } from '../../ui/RangeSlider';

export interface CpuCapProps {
  /** Percent of one CPU, or null for unlimited. */
  cap: number | null;
  vcpus: number;
  disabled?: boolean;
  describedBy?: string;
  onPreview: (cap: number | null) => void;
  onCommit: (cap: number | null) => void;
}

export function CpuCap({ cap, vcpus, disabled, describedBy, onPreview, onCommit }: CpuCapProps) {
  const id = useId();
  const max = capMaxPercent(vcpus);
  // Past the highest cap, a short stretch of the track stands for "unlimited", so the two ends read apart.
  const gap = Math.max(2, (max - CAP_MIN_PERCENT) * 0.2);
  const unlimitedAt = max + gap;
  const toCap = (v: number) => (v > max + gap / 2 ? null : Math.min(max, Math.max(CAP_MIN_PERCENT, Math.round(v))));
  const toValue = (c: number | null) => (c === null ? unlimitedAt : Math.min(max, c));
  const keyStep = (v: number, key: SliderKey) => {
    const cur = toCap(v);
    if (key === 'End') return unlimitedAt;
    if (key === 'Home') return CAP_MIN_PERCENT;
    const up = key === 'ArrowRight' || key === 'ArrowUp' || key === 'PageUp';
    const step = key === 'PageUp' || key === 'PageDown' ? 10 : 1;
    if (cur === null) return up ? unlimitedAt : max;
    const next = cur + (up ? step : -step);
    return next > max ? unlimitedAt : Math.max(CAP_MIN_PERCENT, next);
  };
  const at = (v: number) => `${((v - CAP_MIN_PERCENT) / (unlimitedAt - CAP_MIN_PERCENT)) * 100}%`;

  return (
    <div className="cap">
      <SliderHead id={id} label="CPU cap" value={formatCap(cap)} />
      <RangeSlider
        id={id}
        min={CAP_MIN_PERCENT}
        max={unlimitedAt}
        value={toValue(cap)}
        valueText={formatCap(cap)}
        disabled={disabled}
        describedBy={describedBy}
        snap={(v) => toValue(toCap(v))}
        keyStep={keyStep}
        onPreview={(v) => onPreview(toCap(v))}
        onCommit={(v) => onCommit(toCap(v))}
      />
      <div className="priority-slider__ticks" aria-hidden="true">
        <span className="tick tick--start" style={{ left: at(CAP_MIN_PERCENT) }}>
          {CAP_MIN_PERCENT}%
        </span>
        {vcpus > 1 && (
          <span className="tick" style={{ left: at(100) }}>
            100%
          </span>
        )}
        <span className="tick" style={{ left: at(max) }}>
          {max}%
        </span>
        <span className="tick tick--end" style={{ left: at(unlimitedAt) }}>
          unlimited
        </span>
      </div>
    </div>
  );
}
