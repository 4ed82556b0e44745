// A shut-off guest's CD-ROM drives, part of the Apply form: add or remove a drive, set its medium (an ISO path) or
// leave it empty. A running guest's media change at once instead (LiveCdroms).
import { CDROM_LIMIT } from '../../../shared';
import { Field } from '../../ui/Field';
import { invalidProps, type SectionProps } from './section';

export function CdromDrives({ id, draft, problems, edit, locked }: SectionProps) {
  const setPath = (i: number, path: string) => edit({ cdroms: draft.cdroms.map((c, k) => (k === i ? { path } : c)) });
  return (
    <fieldset className="fieldset" disabled={locked}>
      <legend className="field-label">CD-ROM drives</legend>
      {draft.cdroms.length === 0 && <p className="hint">No CD-ROM drives.</p>}
      {draft.cdroms.map((c, i) => {
        const fieldId = `${id}-cdrom-${i}`;
        const problem = problems[`cdroms.${i}`];
        return (
          <div key={i} className="form-grid">
            <Field id={fieldId} label={`CD-ROM ${i + 1}`} error={problem} hint="an ISO image, opened read-only; empty: an empty drive">
              <input
                id={fieldId}
                className="input input--wide"
                value={c.path}
                spellCheck={false}
                placeholder="empty"
                onChange={(e) => setPath(i, e.currentTarget.value)}
                {...invalidProps(fieldId, problem)}
              />
            </Field>
            <button type="button" className="button" onClick={() => edit({ cdroms: draft.cdroms.filter((_, k) => k !== i) })}>
              Remove CD-ROM {i + 1}
            </button>
          </div>
        );
      })}
      {problems.cdroms && <p className="field-error">{problems.cdroms}</p>}
      <button
        type="button"
        className="button"
        disabled={draft.cdroms.length >= CDROM_LIMIT}
        onClick={() => edit({ cdroms: [...draft.cdroms, { path: '' }] })}
      >
        Add a CD-ROM drive
      </button>
    </fieldset>
  );
}
