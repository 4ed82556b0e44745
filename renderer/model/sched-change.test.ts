import { describe, expect, it } from 'vitest';
import { schedChange } from './sched-change';

describe('scheduler change', () => {
  it('sends new shares, and nothing for the shares in effect (the default when unset)', () => {
    expect(schedChange({}, { shares: 2048 })).toEqual([{ field: 'cpu_shares', type: 'ullong', value: 2048 }]);
    expect(schedChange({}, { shares: 1024 })).toBeNull();
    expect(schedChange({ shares: 512 }, { shares: 512 })).toBeNull();
  });

  it('sends a cap as quota and period at the period in effect, and "unlimited" as quota -1', () => {
    expect(schedChange({}, { cap: 25 })).toEqual([
      { field: 'cpu_quota', type: 'llong', value: 25_000 },
      { field: 'cpu_period', type: 'ullong', value: 100_000 },
    ]);
    expect(schedChange({ periodUs: 200_000 }, { cap: 50 })).toEqual([
      { field: 'cpu_quota', type: 'llong', value: 100_000 },
      { field: 'cpu_period', type: 'ullong', value: 200_000 },
    ]);
    expect(schedChange({ quotaUs: 50_000 }, { cap: null })).toEqual([{ field: 'cpu_quota', type: 'llong', value: -1 }]);
  });

  it('sends nothing for the cap in effect', () => {
    expect(schedChange({}, { cap: null })).toBeNull();
    expect(schedChange({ quotaUs: 50_000, periodUs: 100_000 }, { cap: 50 })).toBeNull();
  });
});
