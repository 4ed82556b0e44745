import { describe, expect, it } from 'vitest';
import { capMaxPercent, capToQuota, formatCap, quotaToCap } from './cpu-cap';

describe('CPU cap', () => {
  it('converts percent of one CPU to a CFS quota and back', () => {
    expect(capToQuota(50)).toBe(50_000);
    expect(capToQuota(150, 200_000)).toBe(300_000);
    expect(quotaToCap(50_000, 100_000)).toBe(50);
    expect(quotaToCap(300_000, 200_000)).toBe(150);
  });

  it('treats -1 and an absent quota as unlimited', () => {
    expect(quotaToCap(-1)).toBeNull();
    expect(quotaToCap(undefined)).toBeNull();
  });

  it('never asks the kernel for less than its 1 ms minimum', () => {
    expect(capToQuota(0.1, 100_000)).toBe(1000);
  });

  it('offers up to one CPU per vCPU', () => {
    expect(capMaxPercent(1)).toBe(100);
    expect(capMaxPercent(4)).toBe(400);
  });

  it('says a cap in percent of one CPU, and "Unlimited" for none', () => {
    expect(formatCap(25)).toBe('25% of one CPU');
    expect(formatCap(null)).toBe('Unlimited');
  });
});
