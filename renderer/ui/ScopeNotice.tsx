// Says, before the user changes anything, whether a change reaches the running guest now or only its next start.
import { isLive, isTransient, type VmState } from '../../shared';

export function ScopeNotice({ state, id }: { state: VmState; id?: string }) {
  if (isTransient(state)) {
    return (
      <p id={id} className="scope scope--wait">
        <strong>Wait</strong> The guest is {state === 'starting' ? 'starting' : 'stopping'}; changes are possible again in a moment.
      </p>
    );
  }
  return isLive(state) ? (
    <p id={id} className="scope scope--live">
      <strong>Live</strong> Changes apply to the running guest at once and are saved for its next start.
    </p>
  ) : (
    <p id={id} className="scope scope--config">
      <strong>Saved only</strong> The guest is {state === 'crashed' ? 'crashed' : 'shut off'}: changes are saved and take effect when it starts.
    </p>
  );
}
