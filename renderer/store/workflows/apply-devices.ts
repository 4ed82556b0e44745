// Applying the Devices tab's checklist: the new lists with the scope the guest's state allows, then the definition
// read again so every view agrees, and what changed in the effective access list.
import { uiScope } from '../../../shared';
import type { ApiClient } from '../../api/client';
import { aclChanges, isDefaultPath, normalizeDraft, type AclChange, type DeviceDraft } from '../../model/device-groups';
import type { AppStore } from '../slices/app-state';

export interface DevicesOutcome {
  changes: AclChange[];
  /** The running guest's group changed now, not only its saved settings. */
  live: boolean;
}

/** Resolves null when the guest is gone. */
export type ApplyDevices = (name: string, draft: DeviceDraft) => Promise<DevicesOutcome | null>;

export function applyDevices(client: ApiClient, store: AppStore): ApplyDevices {
  const s = () => store.getState();
  return async (name, draft) => {
    const vm = s().vms[name];
    if (!vm) return null;
    const flags = uiScope(vm.state);
    const next = normalizeDraft(draft);
    const before = s().fetched.acl[name]?.data ?? [];
    const after = await client.invoke('devices:set', { name, extra: next.extra, omitDefaults: next.omitDefaults.filter(isDefaultPath), flags });
    // The engine may also push vm:changed; the answer makes sure, whatever the transport's order.
    const info = await client.invoke('vm:get', { name }).catch(() => null);
    if (info) s().upsertVm(info);
    // After the new definition, which marks the cached ACL stale: this answer is the fresh one.
    s().answerStored('acl', name, after);
    return { changes: aclChanges(before, after), live: flags.live === true };
  };
}
