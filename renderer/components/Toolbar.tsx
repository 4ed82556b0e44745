// The main toolbar: New, then what can be done to the selected guest. A button the guest's state forbids is disabled;
// a failure shows right under the toolbar, in the engine's words.
import { useState, type KeyboardEvent, type ReactNode } from 'react';
import type { VmState } from '../../shared';
import { useActions, useApp } from '../store/context';
import type { Lifecycle } from '../store/actions';
import { DeleteGuestDialog, ForceOffDialog } from './GuestConfirmations';
import { PauseIcon, PlayIcon, PlugIcon, PlusIcon, PowerIcon, TrashIcon, CloseIcon } from './icons';
import { useAction } from './use-action';

const can = {
  start: (s: VmState) => s === 'shutoff' || s === 'crashed',
  pause: (s: VmState) => s === 'running' || s === 'paused',
  shutdown: (s: VmState) => s === 'running',
  forceOff: (s: VmState) => s === 'running' || s === 'paused' || s === 'starting' || s === 'stopping',
  remove: (s: VmState) => s === 'shutoff' || s === 'crashed',
};

const VERB: Record<Lifecycle, string> = {
  'vm:start': 'start',
  'vm:shutdown': 'shut down',
  'vm:destroy': 'force off',
  'vm:pause': 'pause',
  'vm:resume': 'resume',
  'vm:reboot': 'reboot',
};

/**
 * A toolbar button that stays focusable when unavailable (aria-disabled): after Start, the keyboard focus stays on the
 * toolbar instead of falling to the page.
 */
function Tool({ label, icon, disabled, onClick, variant }: { label: string; icon: ReactNode; disabled: boolean; onClick: () => void; variant?: 'primary' | 'danger' }) {
  return (
    <button
      type="button"
      className={`tool${variant ? ` tool--${variant}` : ''}`}
      aria-disabled={disabled}
      onClick={() => {
        if (!disabled) onClick();
      }}
    >
      {icon}
      <span>{label}</span>
    </button>
  );
}

/** Arrow keys move between the toolbar's buttons; each one stays in the Tab order too. */
function moveFocus(e: KeyboardEvent<HTMLDivElement>) {
  if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
  const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button')];
  const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
  if (i < 0) return;
  e.preventDefault();
  buttons[(i + (e.key === 'ArrowRight' ? 1 : buttons.length - 1)) % buttons.length]?.focus();
}

export function Toolbar({ onNew }: { onNew: () => void }) {
  const selected = useApp((s) => s.selected);
  const vm = useApp((s) => (s.selected ? s.vms[s.selected] : undefined));
  const actions = useActions();
  const [dialog, setDialog] = useState<'delete' | 'forceOff' | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [last, setLast] = useState<{ verb: string; name: string } | null>(null);
  const [run, st] = useAction(async (channel: Lifecycle, name: string) => {
    setInfo(null);
    setLast({ verb: VERB[channel], name });
    const after = await actions.lifecycle(channel, name);
    if (channel === 'vm:shutdown' && after.state === 'running') {
      setInfo(`Asked “${name}” to shut down. A guest that ignores the request keeps running: use Force off to stop it at once.`);
    }
  });

  const state = vm?.state;
  const name = selected ?? '';
  const paused = state === 'paused';
  const off = (test: (s: VmState) => boolean) => !vm || !state || !test(state) || st.pending;

  return (
    <header className="toolbar-area">
      <div className="toolbar" role="toolbar" aria-label="Guest actions" onKeyDown={moveFocus}>
        <div className="brand" aria-hidden="true">
          <span className="brand__mark">cg</span>virt
        </div>
        <Tool label="New" icon={<PlusIcon />} disabled={false} variant="primary" onClick={onNew} />
        <span className="toolbar__sep" aria-hidden="true" />
        <Tool label="Start" icon={<PlayIcon />} disabled={off(can.start)} onClick={() => void run('vm:start', name)} />
        <Tool
          label={paused ? 'Resume' : 'Pause'}
          icon={paused ? <PlayIcon /> : <PauseIcon />}
          disabled={off(can.pause)}
          onClick={() => void run(paused ? 'vm:resume' : 'vm:pause', name)}
        />
        <Tool label="Shut down" icon={<PowerIcon />} disabled={off(can.shutdown)} onClick={() => void run('vm:shutdown', name)} />
        <Tool label="Force off" icon={<PlugIcon />} disabled={off(can.forceOff)} onClick={() => setDialog('forceOff')} />
        <span className="toolbar__sep" aria-hidden="true" />
        <Tool label="Delete" icon={<TrashIcon />} disabled={off(can.remove)} variant="danger" onClick={() => setDialog('delete')} />
      </div>
      {st.error && last && (
        <div className="message message--error" role="alert">
          <span>
            Could not {last.verb} “{last.name}”: {st.error}
          </span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={st.clearError}>
            <CloseIcon />
          </button>
        </div>
      )}
      {info && (
        <div className="message message--info" role="status">
          <span>{info}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setInfo(null)}>
            <CloseIcon />
          </button>
        </div>
      )}
      {dialog === 'delete' && vm && <DeleteGuestDialog vm={vm} onDone={() => setDialog(null)} />}
      {dialog === 'forceOff' && vm && <ForceOffDialog name={vm.definition.name} onDone={() => setDialog(null)} />}
    </header>
  );
}
