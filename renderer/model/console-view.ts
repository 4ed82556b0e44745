// When a guest's screen or serial console can be shown, and what the view says instead when it cannot.
import type { VmState } from '../../shared';

export type ConsoleWhat = 'screen' | 'serial console';

/**
 * A console stream is opened while QEMU runs the guest: running, paused (the last picture stays), and stopping (the
 * user sees the guest shut down, or why it does not). Not while starting: QEMU has not begun the guest yet.
 */
export const consoleActive = (state: VmState): boolean => state === 'running' || state === 'paused' || state === 'stopping';

/** What the view shows instead of the console when `consoleActive(state)` is false. */
export function noConsoleText(state: VmState, what: ConsoleWhat): string {
  switch (state) {
    case 'crashed':
      return `The guest crashed: start it again to see its ${what}`;
    case 'starting':
      return `The guest is starting: its ${what} appears when it runs`;
    default:
      return `The guest is shut off: start it to see its ${what}`;
  }
}
