// The native `cpu_shares` value beside the priority slider, editable; checked with the engine's own rule before it is
// sent.
import { useEffect, useId, useState } from 'react';
import { CPU_SHARES, cpuSharesSchema } from '../../../shared';

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
