// The table of tunables: each row is one thing a guest's group enforces (CPU priority, CPU cap, pinning, memory limit,
// device ACL), with the controller it needs, how the definition asks for it, and how it is written. The same rows
// configure a new guest's group at start and move a running guest when a value changes, so a new tunable is one row
// here (plus its schema in shared/, its kernel file in the cgroup layer and its control in the UI).
import { CPU_PERIOD_US, CPU_SHARES, type Controller, type Definition } from '../../../shared';
import type { GuestGroup } from '../cgroup';
import { diffAcl, planAcl, type AclPlan } from './acl';

/** What a row writes to: the guest's group, and the ACL plan applied to it (null without a devices controller). */
export interface TuneTarget {
  group: GuestGroup;
  acl: AclPlan | null;
}

export interface Tunable {
  /** The definition field the row reads (what `vm:update` reports as applied live). */
  field: 'cpu' | 'memoryLimitMiB' | 'devices';
  controller: Extract<Controller, 'cpu' | 'cpuset' | 'memory' | 'devices'>;
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
    wanted: () => true, // cpu.shares always: a stale group's value must not carry over
    differs: (a, b) => sharesOf(a) !== sharesOf(b),
    write: (t, d) => t.group.setCpuShares(sharesOf(d)),
  },
  {
    field: 'cpu',
    controller: 'cpu',
    wanted: (d) => d.cpu.quotaUs !== undefined,
    differs: (a, b) => a.cpu.quotaUs !== b.cpu.quotaUs || a.cpu.periodUs !== b.cpu.periodUs,
    write: (t, d) => t.group.setCpuQuota(d.cpu.quotaUs ?? null, d.cpu.periodUs ?? CPU_PERIOD_US.default),
  },
  {
    field: 'cpu',
    controller: 'cpuset',
    wanted: (d) => d.cpu.cpuset !== undefined,
    differs: (a, b) => a.cpu.cpuset !== b.cpu.cpuset,
    write: (t, d, _prev, availableCpus) => void t.group.setCpuset(d.cpu.cpuset ?? availableCpus()),
  },
  {
    field: 'memoryLimitMiB',
    controller: 'memory',
    wanted: (d) => d.memoryLimitMiB !== undefined,
    differs: (a, b) => a.memoryLimitMiB !== b.memoryLimitMiB,
    write: (t, d) => t.group.setMemoryLimitMiB(d.memoryLimitMiB ?? null),
  },
  {
    field: 'devices',
    controller: 'devices',
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

/** The fields of a definition that can change on a running guest without a restart. */
export const LIVE_FIELDS = [...new Set<string>([...TUNABLES.map((t) => t.field), 'autostart'])];
const ALL_FIELDS = ['memoryMiB', 'vcpus', 'disks', 'cpu', 'memoryLimitMiB', 'devices', 'autostart', 'vnc'] as const;
export type DefinitionField = (typeof ALL_FIELDS)[number];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
export const changedFields = (a: Definition, b: Definition): DefinitionField[] => ALL_FIELDS.filter((f) => !same(a[f], b[f]));

/**
 * Writes the definition's tuning into a new guest's group. A controller this host lacks is skipped, not an error ("not
 * supported → claim success": the guest still runs; host:info tells the user what is unavailable); `note` says so.
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
