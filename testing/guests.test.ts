import { describe, expect, it } from 'vitest';
import { bootSector, ECHO_BANNER } from './guests';

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

describe('the hand-written programs point where their comments say', () => {
  const word = (s: Buffer, at: number) => s[at]! | (s[at + 1]! << 8);

  it('echo: vector 0x0C → isr (push ax … iret), si → the banner, and the banner is there', () => {
    const s = bootSector('echo');
    expect(word(s, 0x0e)).toBe(0x7c6b); // mov word [0x0030], isr
    expect([...s.subarray(0x6b, 0x72)]).toEqual([0x50, 0xb0, 0x20, 0xe6, 0x20, 0x58, 0xcf]);
    expect(word(s, 0x3c)).toBe(0x7c72); // mov si, banner
    expect(s.subarray(0x72, 0x72 + ECHO_BANNER.length + 1).toString('latin1')).toBe(`${ECHO_BANNER}\0`);
    expect(s[510]).toBe(0x55);
  });

  it('lockcd: si → the 12-byte PREVENT ALLOW MEDIUM REMOVAL packet with "prevent" set', () => {
    const s = bootSector('lockcd');
    expect(word(s, 0x2d)).toBe(0x7c42); // mov si, packet
    expect([...s.subarray(0x42, 0x4e)]).toEqual([0x1e, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('keys: vector 9 → isr (push ax … iret); the jumps land on idle (sti; hlt) and drain (in al, 0x64)', () => {
    const s = bootSector('keys');
    const target = (at: number) => at + 2 + ((s[at + 1]! << 24) >> 24); // a short jump's destination
    expect(word(s, 0x0f)).toBe(0x7c5b); // mov word [0x0024], isr
    expect([...s.subarray(0x5b, 0x62)]).toEqual([0x50, 0xb0, 0x20, 0xe6, 0x20, 0x58, 0xcf]);
    expect([...s.subarray(0x3b, 0x3d)]).toEqual([0xfb, 0xf4]);
    expect([...s.subarray(0x3e, 0x40)]).toEqual([0xe4, 0x64]);
    expect(target(0x42)).toBe(0x3b);
    for (const jump of [0x4b, 0x4f, 0x59]) expect(target(jump)).toBe(0x3e);
    expect(word(s, 0x2e)).toBe(0x0741); // mov bx: 'A', grey on black
  });
});
