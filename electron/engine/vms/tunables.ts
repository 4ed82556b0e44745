// The table of tunables: each row is one thing a guest's group enforces (CPU priority, CPU cap, pinning, memory limit,
// device ACL), with the controller it needs, how the definition asks for it, and how it is written. The same rows
// configure a new guest's group at start and move a running guest when a value changes, so a new tunable is one row
// here (plus its schema and feature in shared/ and its control in the UI; docs/ARCHITECTURE.md has the recipe).
import { CPU_PERIOD_US, CPU_SHARES, definitionSchema, type Controller, type Definition, type Feature } from '../../../shared';
import type { CgroupHierarchy, GuestGroup } from '../cgroup';
import type { CgroupReport, HostFeature } from '../host/probe';
import { diffAcl, planAcl, type AclPlan } from './acl';

/** What a row writes to: the guest's group, and the ACL plan applied to it (null without a devices controller). */
export interface TuneTarget {
  group: GuestGroup;
  acl: AclPlan | null;
}

export interface Tunable {
  /** The definition field the row reads (what `vm:update` reports as applied live). */
  field: DefinitionField;
  controller: Extract<Controller, 'cpu' | 'cpuset' | 'memory' | 'devices'>;
  /** The feature host:info reports for it (available where the controller is usable). */
  feature: Exclude<Feature, HostFeature | 'stats'>;
  /** At start: does the definition ask for anything (absent means the kernel's default stays)? */
  wanted(def: Definition): boolean;
  /** Live: does the value differ between the guest's current settings and the next ones? */
  differs(prev: Definition, next: Definition): boolean;
  /** Writes `next`'s value (`prev` is what the group holds now; null at start). */
  write(t: TuneTarget, next: Definition, prev: Definition | null, availableCpus: () => string): void;
}

const sharesOf = (d: Definition) => d.cpu.shares ?? CPU_SHARES.default;

export const TUNABLES: readonly Tunable[] = [
  {
    field: 'cpu',
    controller: 'cpu',
    feature: 'cpuPriority',
    wanted: () => true, // cpu.shares always: a stale group's value must not carry over
    differs: (a, b) => sharesOf(a) !== sharesOf(b),
    write: (t, d) => t.group.setCpuShares(sharesOf(d)),
  },
  {
    field: 'cpu',
    controller: 'cpu',
    feature: 'cpuCap',
    wanted: (d) => d.cpu.quotaUs !== undefined,
    differs: (a, b) => a.cpu.quotaUs !== b.cpu.quotaUs || a.cpu.periodUs !== b.cpu.periodUs,
    write: (t, d) => t.group.setCpuQuota(d.cpu.quotaUs ?? null, d.cpu.periodUs ?? CPU_PERIOD_US.default),
  },
  {
    field: 'cpu',
    controller: 'cpuset',
    feature: 'cpuPinning',
    wanted: (d) => d.cpu.cpuset !== undefined,
    differs: (a, b) => a.cpu.cpuset !== b.cpu.cpuset,
    write: (t, d, _prev, availableCpus) => void t.group.setCpuset(d.cpu.cpuset ?? availableCpus()),
  },
  {
    field: 'memoryLimitMiB',
    controller: 'memory',
    feature: 'memoryLimit',
    wanted: (d) => d.memoryLimitMiB !== undefined,
    differs: (a, b) => a.memoryLimitMiB !== b.memoryLimitMiB,
    write: (t, d) => t.group.setMemoryLimitMiB(d.memoryLimitMiB ?? null),
  },
  {
    field: 'devices',
    controller: 'devices',
    feature: 'deviceAcl',
    wanted: () => true, // deny-all first, always
    differs: (a, b) => JSON.stringify(a.devices) !== JSON.stringify(b.devices),
    write: (t, d, prev) => {
      const next = planAcl(d);
      if (prev === null || t.acl === null) {
        t.group.setAcl(next.entries.map((e) => e.rule));
      } else {
        // Allow the new nodes before denying the old ones: never a moment of deny-all on a running guest.
        const change = diffAcl(t.acl, next);
        for (const rule of change.allow) t.group.allow(rule);
        for (const rule of change.deny) t.group.deny(rule);
      }
      t.acl = next;
    },
  },
];

/** What can be tuned on this host, with the reason for what is missing: one feature per row, plus the stats. */
export function tunableFeatures(cgroups: CgroupHierarchy): CgroupReport['features'] {
  const rows = Object.fromEntries(TUNABLES.map((t) => [t.feature, cgroups.availability(t.controller)]));
  return { ...rows, stats: cgroups.availability('cpuacct') } as CgroupReport['features'];
}

/** The fields of a definition that can change on a running guest without a restart. */
export const LIVE_FIELDS = [...new Set<string>([...TUNABLES.map((t) => t.field), 'autostart'])];
export type DefinitionField = Exclude<keyof Definition, 'name' | 'uuid'>;
/** Every field a change can touch, from the schema itself: a new definition field needs no list here. */
const ALL_FIELDS = Object.keys(definitionSchema.shape).filter((f): f is DefinitionField => f !== 'name' && f !== 'uuid');

/** Values equal as data: objects by their keys, whatever their order (a stored file and a parsed request order them differently). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
export const changedFields = (a: Definition, b: Definition): DefinitionField[] => ALL_FIELDS.filter((f) => !same(a[f], b[f]));

/**
 * Writes the definition's tuning into a new guest's group. A controller this host lacks (`usable` says, and notes it)
 * is skipped, not an error ("not supported → claim success": the guest still runs; host:info tells the user).
 */
export function configureTunables(
  target: TuneTarget,
  def: Definition,
  usable: (controller: Tunable['controller']) => boolean,
  availableCpus: () => string,
): void {
  for (const row of TUNABLES) {
    if (row.wanted(def) && usable(row.controller)) row.write(target, def, null, availableCpus);
  }
}

/**
 * Moves a running guest's group from `prev` to `next` for the rows that differ. On a failure part-way, what was
 * written is put back, so the guest is never left half-changed. The device row applies only where an ACL is in force.
 */
export function retune(target: TuneTarget, prev: Definition, next: Definition, availableCpus: () => string): void {
  const rows = TUNABLES.filter((row) => row.differs(prev, next) && (row.controller !== 'devices' || target.acl !== null));
  const done: Tunable[] = [];
  try {
    for (const row of rows) {
      row.write(target, next, prev, availableCpus);
      done.push(row);
    }
  } catch (e) {
    for (const row of done.reverse()) {
      try {
        row.write(target, prev, next, availableCpus);
      } catch {
        // best effort: the original error is what the user needs
      }
    }
    throw e;
  }
}
