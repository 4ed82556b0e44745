// The device ACL as the v1 devices controller speaks it: `c 1:3 rw`, `c 136:* rw`, `a *:* rwm`. cgvirt grants read
// and write only, never `m` (mknod): a guest has no reason to create device nodes.
import { statSync } from 'node:fs';
import { CgvirtError, DEFAULT_DEVICE_PATHS, PTY_MAJOR, quoteName, type DeviceType } from '../../../shared';
import { deviceTypeOf, splitDev } from '../host/devnum';
import { errnoOf } from './fs';

export interface AclRule {
  type: DeviceType | 'a';
  major: number | '*';
  minor: number | '*';
  access: string;
}

export const formatRule = (r: AclRule): string => `${r.type} ${r.major}:${r.minor} ${r.access}`;

const RULE = /^([abc]) (\d+|\*):(\d+|\*) ([rwm]{1,3})$/;
export function parseRule(line: string): AclRule {
  const m = RULE.exec(line.trim());
  if (!m) throw new CgvirtError('INTERNAL', `unreadable devices.list entry '${quoteName(line)}'`);
  const num = (s: string) => (s === '*' ? '*' : Number(s));
  return { type: m[1] as AclRule['type'], major: num(m[2]!), minor: num(m[3]!), access: m[4]! };
}
export const parseDevicesList = (text: string): AclRule[] =>
  text
    .split('\n')
    .filter((l) => l.trim())
    .map(parseRule);

/** Access a guest may be granted: `r`, `w` or `rw`, in that order. */
export function checkAccess(access: string): string {
  if (!/^(r|w|rw)$/.test(access)) {
    throw new CgvirtError('INVALID_ARG', `device access '${quoteName(access)}' is not allowed: use 'r', 'w' or 'rw' (never 'm')`);
  }
  return access;
}

/** The rule for one device node: stat it; only character and block devices qualify. */
export function ruleForPath(path: string, access = 'rw'): AclRule {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const why = errnoOf(e) === 'ENOENT' ? 'does not exist' : `cannot be read (${errnoOf(e) ?? 'error'})`;
    throw new CgvirtError('INVALID_ARG', `device '${quoteName(path)}' ${why}`);
  }
  const type = deviceTypeOf(st);
  if (!type) {
    throw new CgvirtError('INVALID_ARG', `'${quoteName(path)}' is not a character or block device (EINVAL): only device nodes can be allowed`);
  }
  const { major, minor } = splitDev(st.rdev);
  return { type, major, minor, access: checkAccess(access) };
}

export const PTY_RULE: AclRule = { type: 'c', major: PTY_MAJOR, minor: '*', access: 'rw' };

/** The default ACL minus what the guest goes without; a node missing on this host is skipped, not an error. */
export function defaultRules(omit: readonly string[] = []): { path: string; rule: AclRule }[] {
  const rules: { path: string; rule: AclRule }[] = [];
  for (const path of DEFAULT_DEVICE_PATHS) {
    if (omit.includes(path)) continue;
    try {
      rules.push({ path, rule: ruleForPath(path) });
    } catch {
      // e.g. /dev/kvm on a host without KVM
    }
  }
  return rules;
}

/** Does `granted` (possibly a wildcard) cover `wanted`? */
export function covers(granted: AclRule, wanted: AclRule): boolean {
  if (granted.type === 'a') return [...wanted.access].every((a) => granted.access.includes(a));
  return (
    granted.type === wanted.type &&
    (granted.major === '*' || granted.major === wanted.major) &&
    (granted.minor === '*' || granted.minor === wanted.minor) &&
    [...wanted.access].every((a) => granted.access.includes(a))
  );
}

export const sameNode = (a: AclRule, b: AclRule) => a.type === b.type && a.major === b.major && a.minor === b.minor;
