// Says, before the user changes anything, whether a change reaches the running guest now or only its next start —
// and when it is made: as the control is released (the priority slider), or with an Apply button (the device list).
import { isLive, isTransient, type VmState } from '../../shared';

export function ScopeNotice({ state, id, onApply = false }: { state: VmState; id?: string; onApply?: boolean }) {
  const when = onApply ? 'Applied changes reach' : 'Changes apply to';
  if (isTransient(state)) {
    return (
      <p id={id} className="scope scope--wait">
        <strong>Wait</strong> The guest is {state === 'starting' ? 'starting' : 'stopping'}; changes are possible again in a moment.
      </p>
    );
  }
  return isLive(state) ? (
    <p id={id} className="scope scope--live">
      <strong>Live</strong> {when} the running guest at once and are saved for its next start.
    </p>
  ) : (
    <p id={id} className="scope scope--config">
      <strong>Saved only</strong> The guest is {state === 'crashed' ? 'crashed' : 'shut off'}: {onApply ? 'applied changes' : 'changes'} are saved and take
      effect when it starts.
    </p>
  );
}
