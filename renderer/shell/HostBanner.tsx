// What this host cannot do, and what to do about it — from `host:info`'s features, each with the engine's reason.
import { useState } from 'react';
import { FEATURE_INFO, FEATURES, OPTIONAL_FEATURES, type Feature, type HostInfo } from '../../shared';
import { useApp } from '../store/context';
import { CloseIcon, WarnIcon } from '../ui/icons';

/** Missing features, the most serious first; KVM and bridged networking are only advice (guests run without them). */
function missingFeatures(host: HostInfo): { feature: Feature; reason?: string; severe: boolean }[] {
  return FEATURES.flatMap((f) => {
    const a = host.features[f];
    return a && !a.available ? [{ feature: f, reason: a.reason, severe: !OPTIONAL_FEATURES.includes(f) }] : [];
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
          {severe
            ? 'Some features are unavailable on this host'
            : missing.some((m) => m.feature === 'kvm')
              ? 'This host runs guests without hardware acceleration'
              : 'Some optional features are unavailable on this host'}
        </p>
        <ul className="banner__list">
          {missing.map((m) => (
            <li key={m.feature}>
              <strong>{FEATURE_INFO[m.feature].label}:</strong> {m.reason ?? 'unavailable'}
              <span className="muted"> — {FEATURE_INFO[m.feature].fix}</span>
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
