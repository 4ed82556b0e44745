// Guest definition files the engine could not read: the other guests work, but the user should know which file is
// broken and why, rather than wonder where a guest went.
import { useState } from 'react';
import { useApp } from '../store/context';
import { CloseIcon, WarnIcon } from '../ui/icons';

export function BrokenDefinitionsBanner() {
  const broken = useApp((s) => s.broken);
  const [hidden, setHidden] = useState(false);
  if (hidden || broken.length === 0) return null;
  return (
    <section className="banner banner--warn" aria-label="Unreadable guest definitions">
      <WarnIcon />
      <div className="banner__body">
        <p className="banner__title">
          {broken.length === 1 ? 'One guest definition could not be read' : `${broken.length} guest definitions could not be read`}
        </p>
        <ul className="banner__list">
          {broken.map((b) => (
            <li key={b.file}>
              <code>{b.file}</code>: {b.reason}
            </li>
          ))}
        </ul>
        <p className="muted">Fix or remove the file; the guests listed below are not affected.</p>
      </div>
      <button type="button" className="icon-button" aria-label="Hide unreadable definitions" onClick={() => setHidden(true)}>
        <CloseIcon />
      </button>
    </section>
  );
}
