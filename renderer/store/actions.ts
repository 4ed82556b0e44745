// What the UI can ask of the engine. Each action calls the API client, feeds the answer to the store and, for the
// workflows, sequences the calls itself, so components only call and render. Failures are thrown as ApiError (or, for
// guest creation, returned with the step that failed) to the caller, which shows them where the user acted.
import { toApiError, type ResponseOf } from '../../shared';
import type { ApiClient } from '../api/client';
import type { AppStore } from './slices/app-state';
import { applyDevices, type ApplyDevices } from './workflows/apply-devices';
import { applyPriority, type ApplyPriority } from './workflows/apply-priority';
import { applySettings, type ApplySettings } from './workflows/apply-settings';
import { openConsole, type OpenConsole } from './workflows/console';
import { guestCreation, type GuestCreation } from './workflows/create-guest';
import { diskActions, type DiskActions } from './workflows/disks';
import { fetchGuestData, type FetchGuestData } from './workflows/fetch-guest-data';
import { mediaActions, type MediaActions } from './workflows/media';
import { power, type Power } from './workflows/power';

export interface Actions {
  /** Loads the host and the guest list again (after every (re)connect, or when the user asks). */
  refresh(): Promise<void>;
  power: Power;
  /** Deletes the guest's definition, and with `deleteImages` its images in the engine's images directory. */
  undefine(name: string, deleteImages?: boolean): Promise<void>;
  /** Fetches one entry of the per-guest cache; views call it through useGuestData. */
  fetchGuestData: FetchGuestData;
  /** One New guest dialog's creation, retried as often as the user asks. */
  guestCreation(): GuestCreation;
  applyPriority: ApplyPriority;
  applyDevices: ApplyDevices;
  /** Any other settings (a tunable's control, memory, autostart): vm:update with the changed fields. */
  applySettings: ApplySettings;
  /** The files in the engine's images directory (ISOs, disk images), for the pick-lists of the New guest dialog. */
  listImages(): Promise<ResponseOf<'storage:list'>>;
  /** A running guest's disks, changed at once. */
  disks: DiskActions;
  /** A running guest's screen (VNC) or serial console as a byte stream: ticket, then stream. */
  openConsole: OpenConsole;
  /** A running guest's CD-ROM media, inserted and ejected at once. */
  media: MediaActions;
}

export function createActions(client: ApiClient, store: AppStore): Actions {
  const s = () => store.getState();
  const powerAction = power(client, store);
  let refreshing: Promise<void> | null = null;

  return {
    refresh() {
      // Concurrent callers (a reconnect during the first load) share one round trip.
      refreshing ??= (async () => {
        try {
          const [host, vms] = await Promise.all([client.invoke('host:info', {}), client.invoke('vm:list', {})]);
          s().loadedAll(host, vms);
          // Secondary: a failure here must not hide the guests that did load.
          const [broken, history] = await Promise.all([
            client.invoke('vm:broken', {}).catch(() => []),
            client.invoke('stats:history', {}).catch(() => null),
          ]);
          s().brokenLoaded(broken);
          if (history) s().historyLoaded(history);
        } catch (e) {
          s().loadFailed(toApiError(e).message);
        } finally {
          refreshing = null;
        }
      })();
      return refreshing;
    },

    power: powerAction,

    async undefine(name, deleteImages = false) {
      await client.invoke('vm:undefine', { name, ...(deleteImages ? { deleteImages } : {}) });
      s().removeVm(name);
    },

    fetchGuestData: fetchGuestData(client, store),
    guestCreation: () => guestCreation(client, store, powerAction),
    applyPriority: applyPriority(client, store),
    applyDevices: applyDevices(client, store),
    applySettings: applySettings(client, store),
    disks: diskActions(client, store),
    listImages: () => client.invoke('storage:list', {}),
    openConsole: openConsole(client),
    media: mediaActions(client, store),
  };
}
