import { describe, expect, it } from 'vitest';
import { bootSector } from './guests';

describe('boot-sector guests', () => {
  it('spin is EB FE with the 55 AA signature at 510', () => {
    const s = bootSector('spin');
    expect(s.length).toBe(512);
    expect([...s.subarray(0, 2)]).toEqual([0xeb, 0xfe]);
    expect([...s.subarray(510)]).toEqual([0x55, 0xaa]);
  });
  it('halt is FA F4 with the signature', () => {
    const s = bootSector('halt');
    expect([...s.subarray(0, 2)]).toEqual([0xfa, 0xf4]);
    expect(s[510]).toBe(0x55);
    expect(s.subarray(2, 510).every((b) => b === 0)).toBe(true);
  });
});
