import { describe, expect, it } from 'vitest';
import { guest } from '../../testing/fixtures';
import { sortGuests, type SortFacts } from './guest-order';

const facts: Record<string, SortFacts> = {
  a: { vm: guest('a', 'shutoff'), cpuPercent: undefined, shares: 1024 },
  b: { vm: { ...guest('b', 'running'), definition: { ...guest('b', 'running').definition, memoryMiB: 512 } }, cpuPercent: 90, shares: 512 },
  c: { vm: guest('c', 'running'), cpuPercent: 10, shares: 4096 },
};
const sort = (key: 'name' | 'state' | 'cpu' | 'priority' | 'memory', descending = false) =>
  sortGuests(['a', 'b', 'c'], { key, descending }, (n) => facts[n]!);

describe('the guest list’s order', () => {
  it('sorts by each column, ties in name order, and either way round', () => {
    expect(sort('name')).toEqual(['a', 'b', 'c']);
    expect(sort('name', true)).toEqual(['c', 'b', 'a']);
    expect(sort('state')).toEqual(['b', 'c', 'a']); // running first, each state by name
    expect(sort('cpu', true)).toEqual(['b', 'c', 'a']); // a stopped guest has no figure: last
    expect(sort('priority', true)).toEqual(['c', 'a', 'b']);
    expect(sort('memory', true)).toEqual(['b', 'a', 'c']);
  });
});
