// The accelerator choice in the window's words: what "Auto" means on this host (host:info's accel), and KVM offered
// only where /dev/kvm works, with the engine's reason where it does not.
import type { AccelChoice, HostInfo } from '../../shared';

export interface AccelOption {
  value: AccelChoice;
  label: string;
  disabled: boolean;
}

type AccelHost = Pick<HostInfo, 'accel' | 'features'> | null | undefined;

const kvmOf = (host: AccelHost) => host?.features.kvm;

export function accelOptions(host: AccelHost): AccelOption[] {
  const kvm = kvmOf(host);
  const auto = host ? (host.accel === 'kvm' ? 'KVM on this host' : 'TCG emulation on this host') : 'KVM when available, else TCG';
  return [
    { value: 'auto', label: `Auto (${auto})`, disabled: false },
    {
      value: 'kvm',
      label: kvm && !kvm.available ? `KVM (unavailable${kvm.reason ? `: ${kvm.reason}` : ''})` : 'KVM (hardware virtualization)',
      disabled: kvm !== undefined && !kvm.available,
    },
    { value: 'tcg', label: 'TCG (emulation, slower)', disabled: false },
  ];
}

/** What the choice means here, when the label alone does not say it; `problem` when the guest would not start. */
export function accelNote(host: AccelHost, choice: AccelChoice): { hint?: string; problem?: string } {
  const kvm = kvmOf(host);
  if (!kvm || kvm.available) return {};
  const why = kvm.reason ? `: ${kvm.reason}` : '';
  if (choice === 'kvm') return { problem: `this host cannot run KVM${why}; the guest would not start (choose Auto or TCG)` };
  if (choice === 'auto') return { hint: `KVM is not available${why}; the guest runs emulated (TCG)` };
  return {};
}
