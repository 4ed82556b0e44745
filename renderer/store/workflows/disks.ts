// A running guest's disks changed at once: attach (live, and kept in the definition) and detach from wherever the
// disk is. The engine allows a block device's node in the guest's ACL before QEMU opens it, and denies it after.
import type { DiskInput, ScopeFlags } from '../../../shared';
import type { ApiClient } from '../../api/client';
import type { AppStore } from '../slices/app-state';

export interface DiskActions {
  attach(name: string, disk: DiskInput): Promise<void>;
  detach(name: string, path: string, flags: NonNullable<ScopeFlags>): Promise<void>;
}

export function diskActions(client: ApiClient, store: AppStore): DiskActions {
  const s = () => store.getState();
  return {
    async attach(name, disk) {
      s().upsertVm(await client.invoke('vm:attachDisk', { name, disk, flags: { live: true, config: true } }));
    },
    async detach(name, path, flags) {
      s().upsertVm(await client.invoke('vm:detachDisk', { name, path, flags }));
    },
  };
}
