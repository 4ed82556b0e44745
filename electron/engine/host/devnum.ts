// Linux dev_t split into major and minor, as glibc's gnu_dev_major/gnu_dev_minor do. fs.Stats.rdev is a plain number
// (dev_t fits in 53 bits for every real major), so BigInt keeps the 64-bit layout exact.
import type { Stats } from 'node:fs';
import type { DeviceType } from '../../../shared';

export function splitDev(rdev: number): { major: number; minor: number } {
  const d = BigInt(rdev);
  const major = ((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn);
  const minor = (d & 0xffn) | ((d >> 12n) & ~0xffn);
  return { major: Number(major), minor: Number(minor) };
}

/** `c` or `b` for a device node, null for anything else. */
export const deviceTypeOf = (st: Stats): DeviceType | null => (st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : null);
