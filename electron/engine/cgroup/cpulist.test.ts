import { describe, expect, it } from 'vitest';
import { checkCpuset, formatCpuList, parseCpuList } from './cpulist';

describe('CPU lists', () => {
  it('parses and formats the kernel syntax', () => {
    expect(parseCpuList('0-2,5,7-8\n')).toEqual([0, 1, 2, 5, 7, 8]);
    expect(formatCpuList([8, 0, 1, 2, 5, 7])).toBe('0-2,5,7-8');
    expect(formatCpuList([3])).toBe('3');
  });
  it('refuses CPUs the host does not offer, naming them and what it offers', () => {
    expect(checkCpuset('1', '0-1')).toBe('1');
    expect(checkCpuset('1,0', '0-1')).toBe('0-1');
    expect(() => checkCpuset('0-3', '0-1')).toThrow("cpuset '0-3' names CPU 2-3, but this host offers CPUs 0-1");
    expect(() => checkCpuset('1-0', '0-1')).toThrow(/runs backwards/);
    expect(() => checkCpuset('a', '0-1')).toThrow(/CPU list like/);
  });
});
