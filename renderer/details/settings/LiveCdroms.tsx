// A running guest's CD-ROM drives: a medium is inserted, changed or ejected at once (vm:media) and kept in its
// definition. A guest may lock the tray (an installer does while it reads the disc); an eject refused for that is
// answered with a Force eject, as a long press on a real drive's button.
import { useId, useState } from 'react';
import type { VmInfo } from '../../../shared';
import { useActions } from '../../store/context';
import { trayLocked } from '../../store/workflows/media';
import { Field } from '../../ui/Field';
import { useAction } from '../../ui/use-action';

export function LiveCdroms({ vm, locked }: { vm: VmInfo; locked: boolean }) {
  const { cdroms, name } = vm.definition;
  return (
    <fieldset className="fieldset" disabled={locked}>
      <legend className="field-label">CD-ROM drives</legend>
      <p className="hint">
        Inserting or ejecting a medium takes effect now and is kept for the next start. Drives are added or removed while the guest is shut off.
      </p>
      {cdroms.length === 0 && <p className="hint">No CD-ROM drives.</p>}
      <ul className="disk-list">
        {cdroms.map((c, i) => (
          <DriveRow key={i} name={name} drive={i} medium={c.path} />
        ))}
      </ul>
    </fieldset>
  );
}

function DriveRow({ name, drive, medium }: { name: string; drive: number; medium: string | undefined }) {
  const actions = useActions();
  const id = useId();
  const n = drive + 1;
  const [path, setPath] = useState('');
  const [insert, insertState] = useAction(async () => {
    await actions.media.insert(name, drive, path.trim());
    setPath('');
  });
  const [eject, ejectState] = useAction((force: boolean) => actions.media.eject(name, drive, { force }));
  const insertNow = () => {
    if (path.trim() && !insertState.pending) void insert();
  };
  const verb = medium ? 'Change' : 'Insert';
  const busy = insertState.pending || ejectState.pending;
  return (
    <li className="disk-list__row">
      <span className="field-label">CD-ROM {n}</span>
      {medium ? <code className="disk-list__path">{medium}</code> : <span className="hint">empty</span>}
      {medium && (
        <button type="button" className="button" aria-label={`Eject CD-ROM ${n}`} disabled={busy} onClick={() => void eject(false)}>
          {ejectState.pending ? 'Ejecting…' : 'Eject'}
        </button>
      )}
      {medium && ejectState.error && trayLocked(ejectState.error) && (
        <button type="button" className="button button--danger" aria-label={`Force eject CD-ROM ${n}`} disabled={busy} onClick={() => void eject(true)}>
          Force eject
        </button>
      )}
      {ejectState.error && (
        <p className="field-error disk-list__wide" role="alert">
          {ejectState.error}
        </p>
      )}
      <div className="form-grid disk-list__wide">
        <Field id={`${id}-path`} label={`ISO for CD-ROM ${n}`} error={insertState.error}>
          <input
            id={`${id}-path`}
            className="input input--wide"
            value={path}
            spellCheck={false}
            aria-invalid={insertState.error ? true : undefined}
            aria-describedby={insertState.error ? `${id}-path-error` : undefined}
            onChange={(e) => {
              insertState.clearError();
              setPath(e.currentTarget.value);
            }}
            // Enter inserts this medium; it must not submit the settings form around it.
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              insertNow();
            }}
          />
        </Field>
        <button
          type="button"
          className="button"
          aria-label={`${medium ? 'Change the medium of' : 'Insert into'} CD-ROM ${n}`}
          disabled={!path.trim() || busy}
          onClick={insertNow}
        >
          {insertState.pending ? 'Inserting…' : verb}
        </button>
      </div>
    </li>
  );
}
