import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deviceTypeOf, splitDev } from './devnum';

describe('splitDev', () => {
  it('splits small and large device numbers like glibc', () => {
    expect(splitDev(0x0103)).toEqual({ major: 1, minor: 3 }); // /dev/null
    expect(splitDev(0x8800)).toEqual({ major: 136, minor: 0 }); // first PTY
    // major 259 (blkext), minor 300: minor's high bits go above bit 20
    expect(splitDev((259 << 8) | (300 & 0xff) | ((300 & ~0xff) << 12))).toEqual({ major: 259, minor: 300 });
  });
  it('reads /dev/null as c 1:3', () => {
    const st = statSync('/dev/null');
    expect(deviceTypeOf(st)).toBe('c');
    expect(splitDev(st.rdev)).toEqual({ major: 1, minor: 3 });
  });
});
