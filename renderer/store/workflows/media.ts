// A running guest's CD-ROM media changed at once through vm:media: insert (or change) an ISO, eject it, or eject it
// by force when the guest has locked the tray. The engine keeps the new medium in the definition too.
import type { ApiClient } from '../../api/client';
import type { AppStore } from '../slices/app-state';

export interface MediaActions {
  insert(name: string, drive: number, path: string): Promise<void>;
  eject(name: string, drive: number, opts?: { force?: boolean }): Promise<void>;
}

/** Whether an eject was refused because the guest holds the tray shut (QEMU: "Device '…' is locked"): force is the way out. */
export const trayLocked = (message: string) => /\block(ed)?\b/i.test(message);

export function mediaActions(client: ApiClient, store: AppStore): MediaActions {
  const s = () => store.getState();
  return {
    async insert(name, drive, path) {
      s().upsertVm(await client.invoke('vm:media', { name, drive, path }));
    },
    async eject(name, drive, opts = {}) {
      s().upsertVm(await client.invoke('vm:media', { name, drive, ...(opts.force ? { force: true } : {}) }));
    },
  };
}
