// The New guest dialog's choice of extra device nodes: the host's nodes beyond the defaults, searchable, each
// checkbox labelled by its path. Read from the engine when first opened.
import { useId, useState } from 'react';
import { DEFAULT_DEVICE_PATHS } from '../../shared';
import { comparePaths, matchesQuery, type DeviceItem } from '../model/device-groups';
import { HOST_KEY } from '../store/slices/fetched';
import { useGuestData } from '../store/use-guest-data';

interface PickerProps {
  chosen: string[];
  disabled: boolean;
  onChange: (paths: string[]) => void;
}

/** Host device nodes beyond the defaults that the new guest may open; searchable, each labelled by its path. */
export function ExtraDevicesPicker(props: PickerProps) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const { chosen } = props;
  return (
    <details className="extra-devices" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Extra devices {chosen.length > 0 ? `(${chosen.length}: ${chosen.join(', ')})` : '(optional)'}</summary>
      <p className="hint">The usual devices (/dev/null, /dev/urandom, …) are always allowed. Add host nodes the guest needs beyond those.</p>
      {open && <HostDeviceChoices {...props} query={query} onQuery={setQuery} />}
    </details>
  );
}

/** Mounted once the picker is open, so the host's list is read only by someone who wants it. */
function HostDeviceChoices({ chosen, disabled, onChange, query, onQuery }: PickerProps & { query: string; onQuery: (q: string) => void }) {
  const { data: devices, error } = useGuestData('hostDevices', HOST_KEY);
  const id = useId();

  const items: DeviceItem[] = (devices ?? [])
    .filter((d) => !(DEFAULT_DEVICE_PATHS as readonly string[]).includes(d.path))
    .sort((a, b) => comparePaths(a.path, b.path))
    .map((d) => ({ ...d, group: 'other', checked: chosen.includes(d.path), locked: false, present: true, usedBy: d.usedBy }));
  const shown = items.filter((d) => matchesQuery(d, query));

  return (
    <>
      {error && <p className="field-error">{error}</p>}
      {devices === undefined && !error && <p className="hint">Reading the host’s devices…</p>}
      {devices && (
        <>
          <input
            type="search"
            className="input input--search"
            aria-label="Search host devices"
            placeholder="Search by path, description or major:minor"
            value={query}
            disabled={disabled}
            onChange={(e) => onQuery(e.currentTarget.value)}
          />
          <ul className="device-list device-list--scroll">
            {shown.map((d, i) => (
              <li key={d.path} className="device">
                <input
                  id={`${id}-${i}`}
                  type="checkbox"
                  className="checkbox"
                  checked={d.checked}
                  disabled={disabled}
                  onChange={(e) => onChange(e.currentTarget.checked ? [...chosen, d.path] : chosen.filter((p) => p !== d.path))}
                />
                <label htmlFor={`${id}-${i}`} className="device__path">
                  {d.path}
                </label>
                <span className="device__details">
                  {d.type === 'b' ? 'block' : 'char'} · {d.major}:{d.minor} · {d.description}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
