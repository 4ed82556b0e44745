import { describe, expect, it } from 'vitest';
import { definitionSchema, FEATURES } from '../../../shared';
import { LIVE_FIELDS, TUNABLES } from './tunables';

describe('the table of tunables', () => {
  it('gives every feature host:info reports a row (or the stats), so none is missing from its answer', () => {
    const covered = new Set([...TUNABLES.map((t) => t.feature), 'stats', 'guests', 'kvm']);
    expect(FEATURES.filter((f) => !covered.has(f))).toEqual([]);
    expect(new Set(TUNABLES.map((t) => t.feature)).size).toBe(TUNABLES.length);
  });

  it('reads only fields of the definition, and those are what vm:update applies live (with autostart)', () => {
    const fields = Object.keys(definitionSchema.shape);
    for (const t of TUNABLES) expect(fields).toContain(t.field);
    expect([...LIVE_FIELDS].sort()).toEqual(['autostart', 'cpu', 'devices', 'memoryLimitMiB']);
  });
});
