import { describe, expect, it } from 'vitest';
import { checkAccess, covers, defaultRules, formatRule, parseDevicesList, PTY_RULE, ruleForPath } from './acl';

describe('device ACL rules', () => {
  it('formats and parses the devices controller syntax', () => {
    expect(formatRule({ type: 'c', major: 1, minor: 3, access: 'rw' })).toBe('c 1:3 rw');
    expect(formatRule(PTY_RULE)).toBe('c 136:* rw');
    expect(parseDevicesList('c 1:3 rw\nc 136:* rw\na *:* rwm\n')).toEqual([
      { type: 'c', major: 1, minor: 3, access: 'rw' },
      { type: 'c', major: 136, minor: '*', access: 'rw' },
      { type: 'a', major: '*', minor: '*', access: 'rwm' },
    ]);
  });
  it('never grants mknod', () => {
    expect(checkAccess('rw')).toBe('rw');
    expect(() => checkAccess('rwm')).toThrow("device access 'rwm' is not allowed: use 'r', 'w' or 'rw' (never 'm')");
    expect(() => checkAccess('m')).toThrow(/never 'm'/);
  });
  it('stats a node into a rule, refusing what is not a device', () => {
    expect(ruleForPath('/dev/urandom')).toEqual({ type: 'c', major: 1, minor: 9, access: 'rw' });
    expect(() => ruleForPath('/etc/passwd')).toThrow(/not a character or block device \(EINVAL\)/);
    expect(() => ruleForPath('/dev/nope-not-here')).toThrow(/does not exist/);
  });
  it('builds the default list, skipping missing nodes and omitted ones', () => {
    const paths = defaultRules().map((r) => r.path);
    expect(paths).toContain('/dev/null');
    expect(paths).toContain('/dev/ptmx');
    expect(defaultRules(['/dev/urandom']).map((r) => r.path)).not.toContain('/dev/urandom');
  });
  it('knows which grants cover which wants', () => {
    const want = { type: 'c' as const, major: 136, minor: 4, access: 'rw' };
    expect(covers(PTY_RULE, want)).toBe(true);
    expect(covers({ type: 'c', major: 136, minor: '*', access: 'r' }, want)).toBe(false);
    expect(covers({ type: 'a', major: '*', minor: '*', access: 'rwm' }, want)).toBe(true);
  });
});
