import { describe, expect, it } from 'vitest';
import { BpfError } from './bpf/syscall';
import { keyOf, maskOf, ruleOf } from './v2-devices';
import { ANY, DEV_BLOCK, DEV_CHAR } from './bpf/program';
import { NEEDS_PRIVILEGE, NO_CGROUP_BPF, privilegedForBpf, probeReason } from './bpf/probe';

describe('ACL rules as device filter entries', () => {
  it('maps c/b major:minor, major:* and *:* to keys with ~0 wildcards, and back', () => {
    expect(keyOf({ type: 'c', major: 1, minor: 3, access: 'rw' })).toEqual({ type: DEV_CHAR, major: 1, minor: 3 });
    expect(keyOf({ type: 'c', major: 136, minor: '*', access: 'rw' })).toEqual({ type: DEV_CHAR, major: 136, minor: ANY });
    expect(keyOf({ type: 'b', major: '*', minor: '*', access: 'r' })).toEqual({ type: DEV_BLOCK, major: ANY, minor: ANY });
    expect(ruleOf({ type: DEV_CHAR, major: 136, minor: ANY }, maskOf('rw'))).toEqual({ type: 'c', major: 136, minor: '*', access: 'rw' });
    expect(ruleOf({ type: DEV_BLOCK, major: 8, minor: 0 }, maskOf('r'))).toEqual({ type: 'b', major: 8, minor: 0, access: 'r' });
  });

  it('refuses what the three lookups cannot express', () => {
    expect(() => keyOf({ type: 'a', major: '*', minor: '*', access: 'rw' })).toThrow(/'c' or 'b'/);
    expect(() => keyOf({ type: 'c', major: '*', minor: 3, access: 'rw' })).toThrow(/major:minor, major:\* or \*:\*/);
  });

  it('never puts mknod in a mask', () => {
    expect(maskOf('rwm')).toBe(maskOf('rw'));
    expect(() => maskOf('x')).toThrow(/not r, w or m/);
  });
});

describe('device filter probe reasons', () => {
  it('reads CAP_SYS_ADMIN or CAP_BPF from CapEff', () => {
    expect(privilegedForBpf('CapEff:\t000001ffffffffff\n')).toBe(true);
    expect(privilegedForBpf('CapEff:\t0000000000000000\n')).toBe(false);
    expect(privilegedForBpf('CapEff:\t0000008000000000\n')).toBe(true); // CAP_BPF alone
  });

  it('words each refusal', () => {
    expect(probeReason(new BpfError('MAP_CREATE', 'EPERM'), false)).toBe(NEEDS_PRIVILEGE);
    expect(probeReason(new BpfError('MAP_CREATE', 'EPERM'), true)).toMatch(/RLIMIT_MEMLOCK/);
    expect(probeReason(new BpfError('PROG_LOAD', 'EINVAL'), true)).toBe(NO_CGROUP_BPF);
    expect(probeReason(new BpfError('MAP_CREATE', 'ENOSYS'), true)).toMatch(/CONFIG_BPF_SYSCALL/);
    expect(probeReason(new Error('Cannot find module koffi'), true)).toMatch(/cannot call bpf\(2\): Cannot find module koffi/);
  });
});
