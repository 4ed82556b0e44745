// Opening a guest's screen or serial console: a one-time ticket over the API (`console:ticket`), then the byte stream
// it names (shared/consoles.ts). The ticket is used at once, so it never needs to outlive this call.
import type { ConsoleChannel, ConsoleKind } from '../../../shared';
import type { ApiClient } from '../../api/client';

/** Rejects with an ApiError when there is no ticket (the guest is not running, has no display, …). */
export type OpenConsole = (name: string, kind: ConsoleKind) => Promise<ConsoleChannel>;

export function openConsole(client: ApiClient): OpenConsole {
  return async (name, kind) => {
    const { ticket } = await client.invoke('console:ticket', { name, kind });
    return client.openConsole(ticket);
  };
}
