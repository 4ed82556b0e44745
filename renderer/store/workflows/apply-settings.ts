// Applying a change to a guest's settings through vm:update: its whole current definition with the changed fields. The engine
// applies what it can to a running guest now (the table of tunables) and says which fields wait for the next start;
// a tunable's control needs nothing more than this.
import type { DefinitionInput } from '../../../shared';
import type { ApiClient } from '../../api/client';
import type { AppStore } from '../slices/app-state';

export interface SettingsOutcome {
  /** Fields in effect on the running guest now. */
  live: string[];
  /** Fields saved that take effect at the next start. */
  nextStart: string[];
}

export type SettingsPatch = Partial<Omit<DefinitionInput, 'name' | 'uuid'>>;

/** Resolves null when the guest is gone. */
export type ApplySettings = (name: string, patch: SettingsPatch) => Promise<SettingsOutcome | null>;

export function applySettings(client: ApiClient, store: AppStore): ApplySettings {
  const s = () => store.getState();
  return async (name, patch) => {
    if (!s().vms[name]) return null;
    // The definition as the engine holds it now, not this window's copy: another window may have changed it.
    const current = await client.invoke('vm:get', { name });
    const { info, live, nextStart } = await client.invoke('vm:update', { ...current.definition, ...patch });
    s().upsertVm(info);
    return { live, nextStart };
  };
}
