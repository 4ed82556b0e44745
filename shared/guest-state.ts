// The guest-state rules, once: which run state allows which action, which scope a change gets by default, and the
// words for a refusal. The engine enforces them, the toolbar offers exactly what they allow, and every test double
// answers by them.
import type { ScopeFlags, VmState } from './domain';

/** What a user can do to a guest as a whole. */
export const GUEST_ACTIONS = ['start', 'shutdown', 'destroy', 'pause', 'resume', 'reboot', 'undefine'] as const;
export type GuestAction = (typeof GUEST_ACTIONS)[number];

/** The states in which each action is allowed. */
const ALLOWED: Record<GuestAction, readonly VmState[]> = {
  start: ['shutoff', 'crashed'],
  shutdown: ['running'],
  // Also while starting: a QEMU that hangs before its monitor answers must be stoppable.
  destroy: ['running', 'paused', 'starting'],
  pause: ['running'],
  resume: ['paused'],
  reboot: ['running', 'paused'],
  undefine: ['shutoff', 'crashed'],
};

/** The verb a message uses for each action ("cannot force off guest 'web'"). */
export const ACTION_VERB: Record<GuestAction, string> = {
  start: 'start',
  shutdown: 'shut down',
  destroy: 'force off',
  pause: 'pause',
  resume: 'resume',
  reboot: 'reboot',
  undefine: 'delete',
};

/** The channel that performs each power action. */
export const ACTION_CHANNEL = {
  start: 'vm:start',
  shutdown: 'vm:shutdown',
  destroy: 'vm:destroy',
  pause: 'vm:pause',
  resume: 'vm:resume',
  reboot: 'vm:reboot',
  undefine: 'vm:undefine',
} as const satisfies Record<GuestAction, `vm:${string}`>;

export const canDo = (action: GuestAction, state: VmState): boolean => ALLOWED[action].includes(state);

/** Why `action` is refused for a guest in `state`, in the words the engine answers with. */
export function refusal(action: GuestAction, name: string, state: VmState): string {
  const guest = `guest '${name}'`;
  if (action === 'start') return `${guest} is already ${state}`;
  if (action === 'undefine') return `${guest} is ${state}; shut it down before deleting it`;
  return `cannot ${ACTION_VERB[action]} ${guest}: it is ${state}`;
}

/** QEMU runs (or is being started or stopped): the guest has a process and a group. */
export const hasProcess = (state: VmState): boolean => state !== 'shutoff' && state !== 'crashed';
/** A running or paused guest has a live group: changes apply now. */
export const isLive = (state: VmState): boolean => state === 'running' || state === 'paused';
/** While QEMU starts or stops, neither scope is well defined: the UI waits. */
export const isTransient = (state: VmState): boolean => state === 'starting' || state === 'stopping';

/** libvirt's "current" scope: live when the guest has a process, config otherwise, unless the caller says. */
export function resolveScope(flags: ScopeFlags, running: boolean): { live: boolean; config: boolean } {
  if (flags?.live || flags?.config) return { live: Boolean(flags.live), config: Boolean(flags.config) };
  return { live: running, config: !running };
}

/** The scope the UI asks for: live and saved on a live guest, saved only otherwise. */
export const uiScope = (state: VmState): { live?: boolean; config: boolean } => (isLive(state) ? { live: true, config: true } : { config: true });
