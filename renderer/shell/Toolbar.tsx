// The main toolbar: New, then what can be done to the selected guest. A button the guest's state forbids is disabled
// (toolbarActions says which); a failure shows right under the toolbar, in the engine's words.
import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { ACTION_VERB, canDo } from '../../shared';
import { DeleteGuestDialog, ForceOffDialog } from '../dialogs/GuestConfirmations';
import { useActions, useApp } from '../store/context';
import { offlineReason } from '../store/slices/connection';
import type { PowerAction } from '../store/workflows/power';
import { CloseIcon, PauseIcon, PlayIcon, PlugIcon, PlusIcon, PowerIcon, RebootIcon, TrashIcon } from '../ui/icons';
import { useAction } from '../ui/use-action';
import { toolbarActions, type ToolbarButton } from './toolbar-actions';

/**
 * A toolbar button that stays focusable when unavailable (aria-disabled): after Start, the keyboard focus stays on the
 * toolbar instead of falling to the page.
 */
function Tool({
  label,
  icon,
  disabled,
  why,
  onClick,
  variant,
}: {
  label: string;
  icon: ReactNode;
  disabled: boolean;
  /** Why it is unavailable, when that is not the guest's state (the engine is out of reach). */
  why?: string | null | undefined;
  onClick: () => void;
  variant?: 'primary' | 'danger';
}) {
  return (
    <button
      type="button"
      className={`tool${variant ? ` tool--${variant}` : ''}`}
      aria-disabled={disabled}
      title={disabled && why ? `${label}: ${why}` : undefined}
      aria-description={disabled && why ? why : undefined}
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
  const [run, st] = useAction(async (action: PowerAction, name: string) => {
    setInfo(null);
    setLast({ verb: ACTION_VERB[action], name });
    const after = await actions.power(action, name);
    if (action === 'shutdown' && after.state === 'running') {
      setInfo(`Asked “${name}” to shut down. A guest that ignores the request keeps running: use Force off to stop it at once.`);
    }
  });

  const name = selected ?? '';
  // One button for both: Resume where the rules allow resuming, Pause otherwise.
  const paused = vm !== undefined && canDo('resume', vm.state);
  const enabled = vm ? toolbarActions(vm.state) : null;
  // While the page cannot reach the engine every action would fail: none is offered, and each says why.
  const offline = useApp(offlineReason);
  // One action at a time, but Force off stays offered while another is pending: that is how a hung start is stopped.
  const off = (button: ToolbarButton) => offline !== null || !enabled?.[button] || (st.pending && button !== 'forceOff');

  return (
    <header className="toolbar-area">
      <div className="toolbar" role="toolbar" aria-label="Guest actions" onKeyDown={moveFocus}>
        <div className="brand" aria-hidden="true">
          <span className="brand__mark">cg</span>virt
        </div>
        <Tool label="New" icon={<PlusIcon />} disabled={offline !== null} why={offline} variant="primary" onClick={onNew} />
        <span className="toolbar__sep" aria-hidden="true" />
        <Tool label="Start" why={offline} icon={<PlayIcon />} disabled={off('start')} onClick={() => void run('start', name)} />
        <Tool
          label={paused ? 'Resume' : 'Pause'}
          why={offline}
          icon={paused ? <PlayIcon /> : <PauseIcon />}
          disabled={off('pauseResume')}
          onClick={() => void run(paused ? 'resume' : 'pause', name)}
        />
        <Tool label="Shut down" why={offline} icon={<PowerIcon />} disabled={off('shutdown')} onClick={() => void run('shutdown', name)} />
        <Tool label="Reboot" why={offline} icon={<RebootIcon />} disabled={off('reboot')} onClick={() => void run('reboot', name)} />
        <Tool label="Force off" why={offline} icon={<PlugIcon />} disabled={off('forceOff')} onClick={() => setDialog('forceOff')} />
        <span className="toolbar__sep" aria-hidden="true" />
        <Tool label="Delete" why={offline} icon={<TrashIcon />} disabled={off('delete')} variant="danger" onClick={() => setDialog('delete')} />
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
