import { describe, expect, it } from 'vitest';
import { sampleHostInfo } from '../../testing/fixtures';
import { accelNote, accelOptions } from './accel';

const withKvm = { ...sampleHostInfo, accel: 'kvm' as const, features: { ...sampleHostInfo.features, kvm: { available: true } } };

describe('the accelerator choice', () => {
  it('says what Auto gives on this host, and offers KVM only where it works, with the reason where not', () => {
    expect(accelOptions(sampleHostInfo)).toEqual([
      { value: 'auto', label: 'Auto (TCG emulation on this host)', disabled: false },
      { value: 'kvm', label: 'KVM (unavailable: /dev/kvm does not exist)', disabled: true },
      { value: 'tcg', label: 'TCG (emulation, slower)', disabled: false },
    ]);
    expect(accelOptions(withKvm).map((o) => [o.label, o.disabled])).toEqual([
      ['Auto (KVM on this host)', false],
      ['KVM (hardware virtualization)', false],
      ['TCG (emulation, slower)', false],
    ]);
  });

  it('warns that a guest asking for KVM where there is none would not start', () => {
    expect(accelNote(sampleHostInfo, 'kvm').problem).toBe(
      'this host cannot run KVM: /dev/kvm does not exist; the guest would not start (choose Auto or TCG)',
    );
    expect(accelNote(sampleHostInfo, 'auto')).toEqual({ hint: 'KVM is not available: /dev/kvm does not exist; the guest runs emulated (TCG)' });
    expect(accelNote(withKvm, 'kvm')).toEqual({});
  });
});
