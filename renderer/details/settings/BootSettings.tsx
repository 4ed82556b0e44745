// How the guest boots: which device the firmware tries first, or a kernel (with initrd and command line) loaded
// directly instead of any device. Applied at the next start.
import type { BootDevice } from '../../../shared';
import { Field } from '../../ui/Field';
import { invalidProps, type SectionProps } from './section';

const FIRST: Record<BootDevice, string> = { disk: 'Disk first', cdrom: 'CD-ROM first' };

export function BootSettings({ id, draft, problems, edit, locked }: SectionProps) {
  const text = (key: 'kernel' | 'initrd' | 'cmdline', label: string, hint: string | undefined, placeholder: string) => {
    const fieldId = `${id}-${key}`;
    return (
      <Field id={fieldId} label={label} error={problems[key]} {...(hint ? { hint } : {})}>
        <input
          id={fieldId}
          className="input input--wide"
          value={draft[key]}
          spellCheck={false}
          placeholder={placeholder}
          onChange={(e) => edit({ [key]: e.currentTarget.value })}
          {...invalidProps(fieldId, problems[key])}
        />
      </Field>
    );
  };
  return (
    <fieldset className="fieldset" disabled={locked}>
      <legend className="field-label">Boot</legend>
      <p className="hint">Changes apply at the next start.</p>
      <div className="form-grid">
        <Field
          id={`${id}-boot`}
          label="Boot order"
          error={problems.bootFirst}
          {...(draft.kernelBoot ? { hint: 'not used while a kernel boots directly' } : {})}
        >
          <select id={`${id}-boot`} className="input" value={draft.bootFirst} onChange={(e) => edit({ bootFirst: e.currentTarget.value as BootDevice })}>
            {(Object.keys(FIRST) as BootDevice[]).map((d) => (
              <option key={d} value={d}>
                {FIRST[d]}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <span className="checkbox-field">
        <input
          id={`${id}-kernelBoot`}
          type="checkbox"
          className="checkbox"
          checked={draft.kernelBoot}
          onChange={(e) => edit({ kernelBoot: e.currentTarget.checked })}
        />
        <label htmlFor={`${id}-kernelBoot`}>Boot a kernel directly</label>
      </span>
      {draft.kernelBoot && (
        <div className="form-grid">
          {text('kernel', 'Kernel', 'loaded by the firmware instead of booting a disk or CD-ROM', '/boot/vmlinuz')}
          {text('initrd', 'Initrd', 'optional', '/boot/initrd.img')}
          {text('cmdline', 'Kernel command line', undefined, 'console=ttyS0 root=/dev/vda')}
        </div>
      )}
    </fieldset>
  );
}
