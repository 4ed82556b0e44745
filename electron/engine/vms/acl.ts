// A guest's effective device ACL: the defaults minus what it goes without, plus the PTYs, plus its block-device disks,
// plus the TUN device when a NIC is bridged (QEMU opens /dev/net/tun to attach the tap), plus its extra nodes. The
// same plan is applied at start, diffed on change, and shown to the user with its sources.
import { statSync } from 'node:fs';
import { DEFAULT_DEVICE_PATHS, PTY_MAJOR, TUN_DEVICE_NOTE, TUN_DEVICE_PATH, type AclEntry, type Definition } from '../../../shared';
import { covers, PTY_RULE, ruleForPath, sameNode, type AclRule } from '../cgroup';

export interface PlannedEntry {
  path?: string;
  rule: AclRule;
  source: AclEntry['source'];
}

export interface AclPlan {
  entries: PlannedEntry[];
  /** Configured nodes that are not applied, and why (e.g. a node missing on this host). */
  skipped: { path: string; source: AclEntry['source']; note: string }[];
}

const isBlockDevice = (path: string) => {
  try {
    return statSync(path).isBlockDevice();
  } catch {
    return false;
  }
};

export function planAcl(def: Pick<Definition, 'devices' | 'disks' | 'nics'>): AclPlan {
  const entries: PlannedEntry[] = [];
  const skipped: AclPlan['skipped'] = [];
  const add = (path: string, source: PlannedEntry['source'], access = 'rw') => {
    try {
      entries.push({ path, rule: ruleForPath(path, access), source });
    } catch (e) {
      skipped.push({ path, source, note: (e as Error).message });
    }
  };
  for (const path of DEFAULT_DEVICE_PATHS) if (!def.devices.omitDefaults.includes(path)) add(path, 'default');
  entries.push({ rule: PTY_RULE, source: 'default' });
  for (const disk of def.disks) if (isBlockDevice(disk.path)) add(disk.path, 'disk', disk.readonly ? 'r' : 'rw');
  if (def.nics.some((n) => n.bridge !== undefined)) add(TUN_DEVICE_PATH, 'network');
  for (const path of def.devices.extra) add(path, 'extra');
  return { entries, skipped };
}

/** Checks that each extra node the user asks for is a device node that exists now (INVALID_ARG otherwise). */
export function checkExtraDevices(extra: readonly string[]): void {
  for (const path of extra) ruleForPath(path);
}

/** Is this node still wanted by any entry of the plan (another disk, a default, an extra)? */
export const stillNeeded = (plan: AclPlan, rule: AclRule) => plan.entries.some((e) => covers(e.rule, rule));

/** The user's view: the config plan and the live one, merged per node, each marked live/config. */
export function describeAcl(config: AclPlan, live: { plan: AclPlan; kernel: AclRule[] } | null): AclEntry[] {
  const out: AclEntry[] = [];
  const push = (e: PlannedEntry, inConfig: boolean) => {
    if (out.some((o) => o.type === e.rule.type && o.major === e.rule.major && o.minor === e.rule.minor && o.source === e.source)) return;
    out.push({
      ...(e.path ? { path: e.path } : {}),
      type: e.rule.type as AclEntry['type'],
      major: e.rule.major as number,
      minor: e.rule.minor,
      access: e.rule.access as AclEntry['access'],
      source: e.source,
      live: live !== null && live.kernel.some((k) => covers(k, e.rule)),
      config: inConfig,
      ...(e.rule.major === PTY_MAJOR && !e.path ? { note: 'pseudo-terminals (serial consoles)' } : {}),
      ...(e.source === 'network' ? { note: TUN_DEVICE_NOTE } : {}),
    });
  };
  for (const e of config.entries) push(e, true);
  for (const e of live?.plan.entries ?? [])
    push(
      e,
      config.entries.some((c) => sameNode(c.rule, e.rule) && c.source === e.source),
    );
  return out;
}

/** What to allow and deny to move a running guest from one plan to another without a moment of deny-all. */
export function diffAcl(from: AclPlan, to: AclPlan): { allow: AclRule[]; deny: AclRule[] } {
  const allow = to.entries.filter((e) => !from.entries.some((f) => sameNode(f.rule, e.rule) && f.rule.access === e.rule.access)).map((e) => e.rule);
  const deny = from.entries.filter((f) => !stillNeeded(to, f.rule)).map((f) => f.rule);
  return { allow, deny };
}
