// The disks of a guest whose QEMU runs: attach and detach take effect at once (hot-plug, the ACL with it) and are kept
// in its definition; each row says where the disk is when the running guest and the definition differ.
import { useId, useState } from 'react';
import { BUS_HOTPLUG, DISK_BUSES, type Disk, type VmInfo } from '../../../shared';
import { LIVE_ATTACH_BUS, liveDiskRows, type LiveDiskRow } from '../../model/live-disks';
import { useActions } from '../../store/context';
import { DiskFormatSelect, type DiskFormat } from '../../ui/DiskFormatSelect';
import { Field } from '../../ui/Field';
import { useAction } from '../../ui/use-action';

const ATTACHABLE = DISK_BUSES.filter((b) => BUS_HOTPLUG[b].attach);
const BUS_LABEL: Record<Disk['bus'], string> = { virtio: 'virtio', scsi: 'SCSI', ide: 'IDE' };

export function LiveDisks({ vm, locked }: { vm: VmInfo; locked: boolean }) {
  const actions = useActions();
  const id = useId();
  const name = vm.definition.name;
  const [path, setPath] = useState('');
  const [format, setFormat] = useState<DiskFormat>('raw');
  const [bus, setBus] = useState<Disk['bus']>(LIVE_ATTACH_BUS);
  const [readonly, setReadonly] = useState(false);
  const [attach, attachState] = useAction(async () => {
    await actions.disks.attach(name, { path: path.trim(), format, bus, readonly });
    setPath('');
  });
  const attachNow = () => {
    if (path.trim() && !attachState.pending) void attach();
  };

  return (
    <fieldset className="fieldset" disabled={locked}>
      <legend className="field-label">Disks</legend>
      <p className="hint">The guest is running: attaching or detaching a disk takes effect now and is kept for its next start.</p>
      {liveDiskRows(vm).length === 0 && <p className="hint">No disks.</p>}
      <ul className="disk-list">
        {liveDiskRows(vm).map((row) => (
          <DiskRow key={row.disk.path} name={name} row={row} />
        ))}
      </ul>
      <div className="form-grid">
        <Field id={`${id}-path`} label="New disk path" error={attachState.error}>
          <input
            id={`${id}-path`}
            className="input input--wide"
            value={path}
            spellCheck={false}
            aria-invalid={attachState.error ? true : undefined}
            onChange={(e) => {
              attachState.clearError();
              setPath(e.currentTarget.value);
            }}
            // Enter attaches this disk; it must not submit the settings form around it.
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              attachNow();
            }}
          />
        </Field>
        <Field id={`${id}-format`} label="New disk format">
          <DiskFormatSelect id={`${id}-format`} value={format} onChange={setFormat} />
        </Field>
        <Field id={`${id}-bus`} label="New disk bus" hint={BUS_HOTPLUG[bus].note}>
          <select id={`${id}-bus`} className="input" value={bus} onChange={(e) => setBus(e.currentTarget.value as Disk['bus'])}>
            {ATTACHABLE.map((b) => (
              <option key={b} value={b}>
                {BUS_LABEL[b]}
              </option>
            ))}
          </select>
        </Field>
        <span className="checkbox-field">
          <input id={`${id}-ro`} type="checkbox" className="checkbox" checked={readonly} onChange={(e) => setReadonly(e.currentTarget.checked)} />
          <label htmlFor={`${id}-ro`}>Read-only</label>
        </span>
        <button type="button" className="button" disabled={!path.trim() || attachState.pending} onClick={attachNow}>
          {attachState.pending ? 'Attaching…' : 'Attach disk'}
        </button>
      </div>
    </fieldset>
  );
}

function DiskRow({ name, row }: { name: string; row: LiveDiskRow }) {
  const actions = useActions();
  const id = useId();
  const [detach, state] = useAction(() => actions.disks.detach(name, row.disk.path, row.detach));
  const { disk } = row;
  const verb = row.place === 'config' ? 'Remove' : 'Detach';
  return (
    <li className="disk-list__row">
      <code className="disk-list__path">{disk.path}</code>
      <span className="hint">
        {disk.format}, {BUS_LABEL[disk.bus]}
        {disk.readonly ? ', read-only' : ''}
      </span>
      {row.note && <span className="badge">{row.note}</span>}
      <button
        type="button"
        className="button"
        aria-label={`${verb} ${disk.path}`}
        aria-describedby={row.needsGuest ? `${id}-needs` : undefined}
        disabled={state.pending}
        onClick={() => void detach()}
      >
        {state.pending ? 'Detaching…' : verb}
      </button>
      {row.needsGuest && (
        <p id={`${id}-needs`} className="hint disk-list__wide">
          Detaching waits for the guest: {row.needsGuest}.
        </p>
      )}
      {state.error && (
        <p className="field-error disk-list__wide" role="alert">
          {state.error}
        </p>
      )}
    </li>
  );
}
