// A power action on a guest (start, pause, force off...), through the channel the guest-state rules name for it.
import { ACTION_CHANNEL, type GuestAction, type VmInfo } from '../../../shared';
import type { ApiClient } from '../../api/client';
import type { AppStore } from '../slices/app-state';

export type PowerAction = Exclude<GuestAction, 'undefine'>;
export type Power = (action: PowerAction, name: string) => Promise<VmInfo>;

export function power(client: ApiClient, store: AppStore): Power {
  return async (action, name) => {
    const info = await client.invoke(ACTION_CHANNEL[action], { name });
    store.getState().upsertVm(info);
    return info;
  };
}
