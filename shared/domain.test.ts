import { describe, expect, it } from 'vitest';
import { cpuSharesSchema, definitionInputSchema } from './domain';

const messages = (r: { success: boolean; error?: { issues: { message: string }[] } }) => r.error?.issues.map((i) => i.message) ?? [];

describe('numbers in the user’s terms', () => {
  it('tells a fraction from a number out of range', () => {
    expect(messages(cpuSharesSchema.safeParse(1500.5))[0]).toBe("shares '1500.5' must be a whole number");
    expect(messages(cpuSharesSchema.safeParse(300000))).toEqual(["shares '300000' must be in range [2, 262144]"]);
    const def = (memoryMiB: unknown) => definitionInputSchema.safeParse({ name: 'web', memoryMiB, vcpus: 1 });
    expect(messages(def(64.5))[0]).toBe("memoryMiB '64.5' must be a whole number");
    expect(messages(def(8))).toEqual(["memoryMiB '8' must be an integer in range [16, 1048576]"]);
    expect(messages(def(undefined))).toEqual(['memoryMiB must be a number, not undefined']);
  });
});
