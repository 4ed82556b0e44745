// A native range input that previews while it moves and commits once on release: pointer release (the native
// `change` event), or key release after arrow/page/home/end steps the caller defines.
import { useEffect, useRef, type KeyboardEvent } from 'react';

export type SliderKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'PageUp' | 'PageDown' | 'Home' | 'End';
const SLIDER_KEYS = new Set<string>(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End']);

export interface RangeSliderProps {
  id: string;
  min: number;
  max: number;
  value: number;
  /** What a screen reader says for the value ("2× priority, 2048 shares"). */
  valueText: string;
  disabled?: boolean;
  describedBy?: string;
  /** Maps a raw pointer position to the value it lands on (snapping). */
  snap?: (raw: number) => number;
  /** The value a key moves to from `value`. */
  keyStep: (value: number, key: SliderKey) => number;
  onPreview: (value: number) => void;
  onCommit: (value: number) => void;
}

export function RangeSlider(props: RangeSliderProps) {
  const ref = useRef<HTMLInputElement>(null);
  const latest = useRef(props);
  latest.current = props;
  const keyValue = useRef<number | null>(null);

  // React's onChange is the `input` event; the native `change` event is the release.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onChange = () => {
      const p = latest.current;
      const raw = Number(el.value);
      if (Number.isFinite(raw)) p.onCommit((p.snap ?? ((v) => v))(raw));
    };
    el.addEventListener('change', onChange);
    return () => el.removeEventListener('change', onChange);
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (!SLIDER_KEYS.has(e.key)) return;
    e.preventDefault();
    const from = keyValue.current ?? props.value;
    const next = props.keyStep(from, e.key as SliderKey);
    keyValue.current = next;
    props.onPreview(next);
  };
  const onKeyUp = (e: KeyboardEvent<HTMLInputElement>) => {
    if (!SLIDER_KEYS.has(e.key) || keyValue.current === null) return;
    const v = keyValue.current;
    keyValue.current = null;
    props.onCommit(v);
  };

  return (
    <input
      ref={ref}
      id={props.id}
      type="range"
      className="range"
      min={props.min}
      max={props.max}
      step="any"
      value={props.value}
      aria-valuetext={props.valueText}
      aria-describedby={props.describedBy}
      disabled={props.disabled}
      onChange={(e) => {
        const raw = Number(e.currentTarget.value);
        if (Number.isFinite(raw)) props.onPreview((props.snap ?? ((v) => v))(raw));
      }}
      onKeyDown={onKeyDown}
      onKeyUp={onKeyUp}
      onBlur={() => {
        // A key held while focus leaves never sees its keyup: commit what it previewed.
        if (keyValue.current !== null) onKeyUp({ key: 'Home' } as KeyboardEvent<HTMLInputElement>);
      }}
    />
  );
}

/** A slider's label and its value as text; the slider itself tells screen readers the value (aria-valuetext). */
export function SliderHead({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <div className="priority-slider__head">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <output htmlFor={id} className="priority-slider__value" aria-hidden="true">
        {value}
      </output>
    </div>
  );
}
