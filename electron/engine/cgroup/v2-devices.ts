// The v2 backend's device ACL: one DeviceFilter per guest group, reached by the group's directory, speaking the same
// AclRule language and the same rules as the v1 devices files: an allow adds access to a node's entry, a deny takes
// access from exactly that entry (dropping it when none is left), deny-all empties the map. Before every use the
// filter is checked to still be the one program attached to the group, so a replaced program is an error, never a
// guest whose real ACL is wider than the one shown.
import { CgvirtError, quoteName } from '../../../shared';
import type { AclRule } from './acl';
import { DeviceFilter, DeviceFilterError, MAX_ENTRIES } from './bpf/device-filter';
import { ACC_READ, ACC_WRITE, ANY, DEV_BLOCK, DEV_CHAR, type FilterKey } from './bpf/program';

/** What the v2 backend asks of a device filter, per group directory (testable without a kernel). */
export interface DeviceFilters {
  /** Attaches a filter when the group has none (or adopts ours), then denies everything. */
  denyAll(dir: string): void;
  allow(dir: string, rule: AclRule): void;
  deny(dir: string, rule: AclRule): void;
  list(dir: string): AclRule[];
  /** Lets go of the group's filter (its fds): before the group is removed. */
  release(dir: string): void;
}

/** The filter's key for a rule: c/b with major:minor, major:* or *:* (the three lookups the program makes). */
export function keyOf(rule: AclRule): FilterKey {
  if (rule.type === 'a') throw new CgvirtError('INVALID_ARG', "the cgroup v2 device filter takes 'c' or 'b' rules, not 'a'");
  if (rule.major === '*' && rule.minor !== '*') {
    throw new CgvirtError(
      'INVALID_ARG',
      `device rule '${rule.type} *:${rule.minor}' is not supported by the cgroup v2 filter: use major:minor, major:* or *:*`,
    );
  }
  return {
    type: rule.type === 'b' ? DEV_BLOCK : DEV_CHAR,
    major: rule.major === '*' ? ANY : rule.major,
    minor: rule.minor === '*' ? ANY : rule.minor,
  };
}

/** r and w as mask bits; m is never granted (checkAccess refuses it before it gets here). */
export function maskOf(access: string): number {
  if (/[^rwm]/.test(access)) throw new CgvirtError('INVALID_ARG', `device access '${quoteName(access)}' is not r, w or m`);
  return (access.includes('r') ? ACC_READ : 0) | (access.includes('w') ? ACC_WRITE : 0);
}

export function ruleOf(key: FilterKey, mask: number): AclRule {
  return {
    type: key.type === DEV_BLOCK ? 'b' : 'c',
    major: key.major === ANY ? '*' : key.major,
    minor: key.minor === ANY ? '*' : key.minor,
    access: `${mask & ACC_READ ? 'r' : ''}${mask & ACC_WRITE ? 'w' : ''}`,
  };
}

export class BpfDeviceFilters implements DeviceFilters {
  private readonly open = new Map<string, DeviceFilter>();

  constructor(private readonly maxEntries = MAX_ENTRIES) {}

  /** The group's filter: ours in hand if still attached, else found on the group again (a restarted engine). */
  private filter(dir: string, attachIfNone = false): DeviceFilter {
    const held = this.open.get(dir);
    if (held?.isAttachedTo(dir)) return held;
    held?.close();
    this.open.delete(dir);
    const f = DeviceFilter.find(dir) ?? (attachIfNone ? DeviceFilter.attach(dir, this.maxEntries) : null);
    if (!f) throw new DeviceFilterError('unavailable', `the group ${dir} has no device filter attached (it was set up without one): restart the guest`);
    this.open.set(dir, f);
    return f;
  }

  denyAll(dir: string): void {
    this.filter(dir, true).clear();
  }

  allow(dir: string, rule: AclRule): void {
    const f = this.filter(dir);
    const key = keyOf(rule);
    f.set(key, (f.get(key) ?? 0) | maskOf(rule.access));
  }

  deny(dir: string, rule: AclRule): void {
    const f = this.filter(dir);
    const key = keyOf(rule);
    const left = (f.get(key) ?? 0) & ~maskOf(rule.access);
    if (left) f.set(key, left);
    else f.delete(key);
  }

  list(dir: string): AclRule[] {
    return this.filter(dir)
      .entries()
      .map((e) => ruleOf(e.key, e.mask))
      .filter((r) => r.access);
  }

  release(dir: string): void {
    this.open.get(dir)?.close();
    this.open.delete(dir);
  }
}
