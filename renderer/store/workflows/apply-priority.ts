// A change from the CPU priority tab: sent with the scope the guest's state allows (live and saved, or saved only),
// and not sent at all when it changes nothing.
import { uiScope } from '../../../shared';
import type { ApiClient } from '../../api/client';
import { schedChange, type PriorityChange } from '../../model/sched-change';
import { currentCpu } from '../slices/tuning';
import type { AppStore } from '../slices/app-state';

export interface PriorityOutcome {
  /** In effect in the running guest now, not only saved for its next start. */
  live: boolean;
}

/** Resolves null when there was nothing to send (the value is already applied, or the guest is gone). */
export type ApplyPriority = (name: string, change: PriorityChange) => Promise<PriorityOutcome | null>;

export function applyPriority(client: ApiClient, store: AppStore): ApplyPriority {
  return async (name, change) => {
    const s = store.getState();
    const vm = s.vms[name];
    const params = vm ? schedChange(currentCpu(s, name), change) : null;
    if (!vm || !params) return null;
    const flags = uiScope(vm.state);
    const answer = await client.invoke('sched:set', { name, params, flags });
    store.getState().schedApplied(name, answer.params, flags, params);
    return { live: flags.live === true };
  };
}
