// A guest's run state as an icon and a word; colour is never the only signal.
import type { VmState } from '../../shared';

const STATE_LABEL: Record<VmState, string> = {
  shutoff: 'Shut off',
  starting: 'Starting…',
  running: 'Running',
  paused: 'Paused',
  stopping: 'Stopping…',
  crashed: 'Crashed',
};

function Glyph({ state }: { state: VmState }) {
  switch (state) {
    case 'running':
      return <path d="M4.5 3v8l6.5-4z" fill="currentColor" stroke="none" />;
    case 'paused':
      return <path d="M5 3.5v7M9 3.5v7" strokeWidth="2" />;
    case 'shutoff':
      return <rect x="3.5" y="3.5" width="7" height="7" rx="1" />;
    case 'crashed':
      return <path d="M7 2l5.5 10h-11zM7 6v2.5M7 10.2v.1" />;
    default:
      return <circle cx="7" cy="7" r="4.5" strokeDasharray="3 2" />;
  }
}

export function StateBadge({ state }: { state: VmState }) {
  return (
    <span className={`state state--${state}`}>
      <svg
        className="state__icon"
        width="14"
        height="14"
        viewBox="0 0 14 14"
        aria-hidden="true"
        focusable="false"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinejoin="round"
        strokeLinecap="round"
      >
        <Glyph state={state} />
      </svg>
      <span className="state__label">{STATE_LABEL[state]}</span>
    </span>
  );
}
