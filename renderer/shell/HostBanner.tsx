// What this host cannot do, and what to do about it — from `host:info`'s features, each with the engine's reason.
import { useState } from 'react';
import { FEATURES, type Feature, type HostInfo } from '../../shared';
import { useApp } from '../store/context';
import { CloseIcon, WarnIcon } from '../ui/icons';

export const FEATURE_LABEL: Record<Feature, string> = {
  guests: 'Running guests',
  kvm: 'Hardware acceleration (KVM)',
  cpuPriority: 'CPU priority',
  cpuCap: 'CPU cap',
  cpuPinning: 'CPU pinning',
  memoryLimit: 'Memory limit',
  deviceAcl: 'Device access control',
  stats: 'Live statistics',
};

/** What usually fixes a missing feature, shown after the engine's reason. */
const FEATURE_FIX: Record<Feature, string> = {
  guests: 'install QEMU (Debian: apt install qemu-system-x86) and restart cgvirt.',
  kvm: 'guests still run, emulated; for full speed enable virtualization (VT-x/AMD-V) in the firmware and load the kvm module.',
  cpuPriority: 'run cgvirt as root, or on a host where the cpu controller is mounted and writable.',
  cpuCap: 'the cpu controller needs CFS bandwidth control (CONFIG_CFS_BANDWIDTH) and write access.',
  cpuPinning: 'needs the cpuset controller with write access.',
  memoryLimit: 'needs the memory controller with write access.',
  deviceAcl: 'needs the devices controller (cgroup v1) with write access; on cgroup v2 it is not available yet.',
  stats: 'needs the cpuacct (v1) or cpu (v2) and memory controllers readable.',
};

/** Missing features, the most serious first; KVM is only advice (guests run without it). */
export function missingFeatures(host: HostInfo): { feature: Feature; reason?: string; severe: boolean }[] {
  return FEATURES.flatMap((f) => {
    const a = host.features[f];
    return a && !a.available ? [{ feature: f, reason: a.reason, severe: f !== 'kvm' }] : [];
  }).sort((a, b) => Number(b.severe) - Number(a.severe));
}

export function HostBanner() {
  const host = useApp((s) => s.host);
  const [hidden, setHidden] = useState(false);
  if (!host || hidden) return null;
  const missing = missingFeatures(host);
  if (missing.length === 0) return null;
  const severe = missing.some((m) => m.severe);
  return (
    <section className={`banner ${severe ? 'banner--warn' : 'banner--info'}`} aria-label="Host capabilities">
      <WarnIcon />
      <div className="banner__body">
        <p className="banner__title">
          {severe ? 'Some features are unavailable on this host' : 'This host runs guests without hardware acceleration'}
        </p>
        <ul className="banner__list">
          {missing.map((m) => (
            <li key={m.feature}>
              <strong>{FEATURE_LABEL[m.feature]}:</strong> {m.reason ?? 'unavailable'}
              <span className="muted"> — {FEATURE_FIX[m.feature]}</span>
            </li>
          ))}
        </ul>
      </div>
      <button type="button" className="icon-button" aria-label="Hide host capabilities" onClick={() => setHidden(true)}>
        <CloseIcon />
      </button>
    </section>
  );
}
