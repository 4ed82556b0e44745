// The device ACL as a checklist in three groups. Each checkbox is labelled by its device path, nothing more, so people
// and tests find "/dev/urandom" by that name.
import { Fragment, useId, useState } from 'react';
import { devNumber, matchesQuery, typeName, type DeviceGroups, type DeviceItem } from '../../model/device-groups';

export interface DeviceChecklistProps {
  groups: DeviceGroups;
  disabled?: boolean;
  onToggle: (path: string, checked: boolean) => void;
  /** Shown in the disks group when none of the guest's disks is a device node. */
  diskNote?: string;
}

function DeviceRow({ item, disabled, onToggle }: { item: DeviceItem; disabled?: boolean; onToggle: DeviceChecklistProps['onToggle'] }) {
  const id = useId();
  const warn = item.group === 'defaults' && !item.checked && !item.locked;
  return (
    <li className={`device${item.present === false ? ' device--absent' : ''}${warn ? ' device--warn' : ''}`}>
      <input
        id={id}
        type="checkbox"
        className="checkbox"
        checked={item.checked}
        disabled={disabled || item.locked}
        aria-describedby={`${id}-d`}
        onChange={(e) => onToggle(item.path, e.currentTarget.checked)}
      />
      <label htmlFor={id} className="device__path">
        {item.path}
      </label>
      <span id={`${id}-d`} className="device__details">
        {[
          [typeName(item.type), devNumber(item), item.description].filter(Boolean).join(' · '),
          item.usedBy.length > 0 && <span className="device__used">also allowed for {item.usedBy.join(', ')}</span>,
          item.note && <span className="device__note">{item.note}</span>,
          item.locked && item.lockReason && <span className="device__lock">{item.lockReason}</span>,
          warn && <span className="device__warning">QEMU may fail to start or run without {item.path}</span>,
        ]
          .filter(Boolean)
          .map((part, i) => (
            <Fragment key={i}>
              {i > 0 && ' · '}
              {part}
            </Fragment>
          ))}
      </span>
      {item.live !== undefined && item.config !== undefined && item.live !== item.config && (
        <span className="badge badge--pending" title="the running guest and its saved settings differ">
          {item.live ? 'live only' : 'next start'}
        </span>
      )}
    </li>
  );
}

export function DeviceChecklist({ groups, disabled, onToggle, diskNote }: DeviceChecklistProps) {
  const [query, setQuery] = useState('');
  const searchId = useId();
  const other = groups.other.filter((d) => matchesQuery(d, query));
  const chosen = groups.other.filter((d) => d.checked).length;
  return (
    <div className="devices">
      <section className="device-group" aria-labelledby={`${searchId}-g1`}>
        <h3 id={`${searchId}-g1`} className="section-title">
          Always needed
        </h3>
        <p className="hint">QEMU uses these itself. Remove one only if you know the guest does without it.</p>
        <ul className="device-list">
          {groups.defaults.map((d) => (
            <DeviceRow key={d.path} item={d} disabled={disabled} onToggle={onToggle} />
          ))}
        </ul>
      </section>

      <section className="device-group" aria-labelledby={`${searchId}-g2`}>
        <h3 id={`${searchId}-g2`} className="section-title">
          This guest’s disks
        </h3>
        {groups.disks.length === 0 ? (
          <p className="hint">{diskNote ?? 'This guest has no disk on a device node; image files need no device access.'}</p>
        ) : (
          <ul className="device-list">
            {groups.disks.map((d) => (
              <DeviceRow key={d.path} item={d} disabled={disabled} onToggle={onToggle} />
            ))}
          </ul>
        )}
      </section>

      <section className="device-group" aria-labelledby={`${searchId}-g3`}>
        <h3 id={`${searchId}-g3`} className="section-title">
          Other host devices <span className="count">{chosen > 0 ? `${chosen} allowed` : 'none allowed'}</span>
        </h3>
        <input
          id={searchId}
          type="search"
          className="input input--search"
          placeholder="Search by path, description or major:minor"
          aria-label="Search host devices"
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
        />
        {other.length === 0 ? (
          <p className="hint">{groups.other.length === 0 ? 'No other device nodes found on the host.' : 'No device matches the search.'}</p>
        ) : (
          <ul className="device-list device-list--scroll">
            {other.map((d) => (
              <DeviceRow key={d.path} item={d} disabled={disabled} onToggle={onToggle} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
