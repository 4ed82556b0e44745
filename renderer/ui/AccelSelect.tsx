// The choice of accelerator, wherever a guest's is set (the New guest dialog, the Settings tab): Auto says what it
// gives on this host, KVM is disabled with the engine's reason where /dev/kvm does not work.
import type { AccelChoice, HostInfo } from '../../shared';
import { accelNote, accelOptions } from '../model/accel';
import { Field } from './Field';

export function AccelSelect({
  id,
  host,
  value,
  disabled,
  onChange,
}: {
  id: string;
  host: HostInfo | null | undefined;
  value: AccelChoice;
  disabled?: boolean;
  onChange: (accel: AccelChoice) => void;
}) {
  const note = accelNote(host, value);
  return (
    <Field id={id} label="Accelerator" error={note.problem} {...(note.hint ? { hint: note.hint } : {})}>
      <select
        id={id}
        className="input"
        value={value}
        disabled={disabled}
        aria-invalid={note.problem ? true : undefined}
        aria-describedby={note.problem ? `${id}-error` : note.hint ? `${id}-hint` : undefined}
        onChange={(e) => onChange(e.currentTarget.value as AccelChoice)}
      >
        {accelOptions(host).map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}
