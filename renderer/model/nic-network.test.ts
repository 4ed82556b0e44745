import { describe, expect, it } from 'vitest';
import { sampleHostInfo } from '../../testing/fixtures';
import { bridgeChoices, bridgeFor, bridgingUnavailable, nicModeNote, nicModeOptions } from './nic-network';

const reason = 'bridged networking needs a privileged engine (root); this one runs as uid 1000';
const unprivileged = { ...sampleHostInfo, features: { ...sampleHostInfo.features, bridgedNetwork: { available: false, reason } } };

describe('a network card’s connection in the window’s words', () => {
  it('offers NAT always and Bridge where the engine can bridge; disabled with the engine’s reason where not', () => {
    expect(nicModeOptions(sampleHostInfo)).toEqual([
      { value: 'nat', label: 'NAT (user mode)', disabled: false },
      { value: 'bridge', label: 'Bridge', disabled: false },
    ]);
    expect(nicModeOptions(unprivileged)[1]).toEqual({ value: 'bridge', label: `Bridge (unavailable: ${reason})`, disabled: true });
    expect(bridgingUnavailable(unprivileged)).toBe(reason);
    // Before host:info answers, nothing is refused: the engine has the last word.
    expect(bridgingUnavailable(null)).toBeNull();
  });

  it('lists the host’s bridges, and keeps a saved one the host no longer has, marked', () => {
    expect(bridgeChoices(sampleHostInfo, 'br0')).toEqual([
      { value: 'br0', label: 'br0' },
      { value: 'br-lab', label: 'br-lab' },
    ]);
    expect(bridgeChoices(sampleHostInfo, 'br9')[0]).toEqual({ value: 'br9', label: 'br9 (not a bridge on this host)' });
    expect([bridgeFor(sampleHostInfo, ''), bridgeFor(sampleHostInfo, 'br-lab'), bridgeFor({ ...sampleHostInfo, bridges: [] }, '')]).toEqual([
      'br0',
      'br-lab',
      '',
    ]);
  });

  it('says why a bridged card cannot work here: an engine that cannot bridge, a host without bridges', () => {
    expect(nicModeNote(unprivileged, 'bridge')).toEqual({ problem: `bridged networking is unavailable: ${reason}; choose NAT` });
    expect(nicModeNote({ ...sampleHostInfo, bridges: [] }, 'bridge').problem).toMatch(/^this host has no bridge to join/);
    expect(nicModeNote(sampleHostInfo, 'bridge').hint).toMatch(/tap cgvirt makes at start/);
    expect(nicModeNote(unprivileged, 'nat').problem).toBeUndefined();
  });
});
