// How a network card connects, in the window's words: user-mode NAT (always there), or a host bridge, offered only
// where the engine can make taps (host:info's bridgedNetwork, with the engine's reason where it cannot) and listing
// the bridges host:info found.
import type { HostInfo, NicMode } from '../../shared';

type NetHost = Pick<HostInfo, 'bridges' | 'features'> | null | undefined;

export interface ModeOption {
  value: NicMode;
  label: string;
  disabled: boolean;
}

/** Why this engine cannot bridge, or null (also while host:info is not known yet: the engine has the last word). */
export function bridgingUnavailable(host: NetHost): string | null {
  const f = host?.features.bridgedNetwork;
  return f && !f.available ? (f.reason ?? 'not available on this host') : null;
}

export function nicModeOptions(host: NetHost): ModeOption[] {
  const why = bridgingUnavailable(host);
  return [
    { value: 'nat', label: 'NAT (user mode)', disabled: false },
    { value: 'bridge', label: why ? `Bridge (unavailable: ${why})` : 'Bridge', disabled: why !== null },
  ];
}

/** The bridges to offer: the host's, and a saved one the host no longer has (so the select still shows what is saved). */
export function bridgeChoices(host: NetHost, current: string): { value: string; label: string }[] {
  const bridges = host?.bridges ?? [];
  const missing = current !== '' && !bridges.includes(current) ? [{ value: current, label: `${current} (not a bridge on this host)` }] : [];
  return [...missing, ...bridges.map((b) => ({ value: b, label: b }))];
}

/** What the card's connection means here: a hint, or the `problem` that keeps it from being saved or started. */
export function nicModeNote(host: NetHost, mode: NicMode): { hint?: string; problem?: string } {
  if (mode === 'nat') return { hint: 'the guest reaches out through the host; forwarded ports reach in' };
  const why = bridgingUnavailable(host);
  if (why) return { problem: `bridged networking is unavailable: ${why}; choose NAT` };
  if (host && host.bridges.length === 0)
    return { problem: 'this host has no bridge to join (create one first, e.g. with ip link add br0 type bridge); choose NAT' };
  return { hint: 'on the host bridge through a tap cgvirt makes at start: the guest is on that network, with its own address' };
}

/** The bridge a card gets when Bridge is chosen: the one it had, else the host's first. */
export const bridgeFor = (host: NetHost, current: string): string => (current !== '' ? current : (host?.bridges[0] ?? ''));
