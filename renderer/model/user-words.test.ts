import { describe, expect, it } from 'vitest';
import { inUserWords } from './user-words';

describe('refusals in the form’s words', () => {
  it('names the field as the form labels it, and leaves the rest of the engine’s sentence alone', () => {
    expect(inUserWords("memoryMiB '0' must be an integer in range [16, 1048576]")).toBe("Memory (MiB) '0' must be an integer in range [16, 1048576]");
    expect(inUserWords('vcpus must be a number, not undefined')).toBe('vCPUs must be a number, not undefined');
    expect(inUserWords("shares '1' must be in range [2, 262144]")).toBe("shares '1' must be in range [2, 262144]");
    expect(inUserWords("path 'x' is not allowed: it is not absolute")).toBe("path 'x' is not allowed: it is not absolute");
  });
});
