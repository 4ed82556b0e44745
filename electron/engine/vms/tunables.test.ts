import { describe, expect, it } from 'vitest';
import { definitionSchema, FEATURES } from '../../../shared';
import { HOST_FEATURES } from '../host/probe';
import { changedFields, LIVE_FIELDS, TUNABLES } from './tunables';

describe('the table of tunables', () => {
  it('gives every feature host:info reports a row (or the stats), so none is missing from its answer', () => {
    const covered = new Set<string>([...TUNABLES.map((t) => t.feature), 'stats', ...HOST_FEATURES]);
    expect(FEATURES.filter((f) => !covered.has(f))).toEqual([]);
    expect(new Set(TUNABLES.map((t) => t.feature)).size).toBe(TUNABLES.length);
  });

  it('reads only fields of the definition, and those are what vm:update applies live (with autostart)', () => {
    const fields = Object.keys(definitionSchema.shape);
    for (const t of TUNABLES) expect(fields).toContain(t.field);
    expect([...LIVE_FIELDS].sort()).toEqual(['autostart', 'cpu', 'devices', 'memoryLimitMiB']);
  });
});

describe('changedFields', () => {
  it('compares as data: key order and absent-vs-undefined do not make a change, a different value does', () => {
    const a = definitionSchema.parse({
      name: 'a',
      uuid: '0f5e6b8e-1c2d-4e3f-8a9b-0c1d2e3f4a5b',
      memoryMiB: 64,
      vcpus: 1,
      nics: [{ mac: '52:54:00:aa:bb:cc' }],
    });
    const reordered = { ...a, nics: [{ forwards: [], mac: '52:54:00:aa:bb:cc', model: 'virtio-net-pci' as const }], memoryLimitMiB: undefined };
    expect(changedFields(a, reordered)).toEqual([]);
    expect(changedFields(a, { ...a, nics: [{ ...a.nics[0]!, mac: '52:54:00:aa:bb:cd' }] })).toEqual(['nics']);
    expect(changedFields(a, { ...a, nics: [] })).toEqual(['nics']);
  });
});
