// The Devices tab's checklist: the guest's effective ACL and the host's nodes, grouped the way a user decides about
// them — always needed (the defaults, and the TUN device while a NIC is bridged), this guest's disks (locked while
// attached), and every other node on the host.
import {
  DEFAULT_DEVICE_PATHS,
  PTY_MAJOR,
  TUN_DEVICE_PATH,
  type AclEntry,
  type DefaultDevicePath,
  type Definition,
  type DeviceType,
  type HostDevice,
} from '../../shared';

export type DeviceGroup = 'defaults' | 'disks' | 'other';

export interface DeviceItem {
  /** The node's path: the checkbox's label. */
  path: string;
  group: DeviceGroup;
  type?: DeviceType;
  major?: number;
  minor?: number | '*';
  description?: string;
  checked: boolean;
  /** Not the user's to change here; `lockReason` says why. */
  locked: boolean;
  lockReason?: string;
  /** False when the node does not exist on this host; null while the host's list is unknown. */
  present: boolean | null;
  /** Why a configured entry is not in effect, from the engine. */
  note?: string;
  /** Other guests whose ACL includes this node. */
  usedBy: string[];
  /** From the effective ACL: allowed in the running group now / by the stored definition. */
  live?: boolean;
  config?: boolean;
}

export interface DeviceDraft {
  extra: string[];
  omitDefaults: string[];
}

export interface GroupInput {
  guest: string;
  definition: Pick<Definition, 'disks' | 'devices'> & { nics?: Definition['nics'] };
  acl: readonly AclEntry[] | null;
  host: readonly HostDevice[] | null;
  draft: DeviceDraft;
}

export interface DeviceGroups {
  defaults: DeviceItem[];
  disks: DeviceItem[];
  other: DeviceItem[];
}

/** The PTY slaves have no single path; the checklist shows them under the directory they live in. */
export const PTY_LABEL = '/dev/pts/*';

export const isDefaultPath = (path: string): path is DefaultDevicePath => (DEFAULT_DEVICE_PATHS as readonly string[]).includes(path);

export function groupDevices({ guest, definition, acl, host, draft }: GroupInput): DeviceGroups {
  const hostByPath = new Map((host ?? []).map((d) => [d.path, d]));
  const aclByPath = new Map((acl ?? []).filter((e) => e.path !== undefined).map((e) => [e.path!, e]));
  const others = (d: HostDevice | undefined) => (d?.usedBy ?? []).filter((g) => g !== guest);
  const presence = (path: string) => (host === null ? null : hostByPath.has(path));

  const fromHost = (path: string, group: DeviceGroup, checked: boolean, locked: boolean, lockReason?: string): DeviceItem => {
    const d = hostByPath.get(path);
    const e = aclByPath.get(path);
    const item: DeviceItem = {
      path,
      group,
      type: d?.type ?? e?.type,
      major: d?.major ?? e?.major,
      minor: d?.minor ?? e?.minor,
      description: d?.description,
      checked,
      locked,
      present: presence(path),
      usedBy: others(d),
      live: e?.live,
      config: e?.config,
    };
    if (lockReason) item.lockReason = lockReason;
    if (e?.note) item.note = e.note;
    else if (item.present === false) item.note = 'not present on this host';
    return item;
  };

  const omitted = new Set(draft.omitDefaults);
  const defaults = DEFAULT_DEVICE_PATHS.map((p) => fromHost(p, 'defaults', !omitted.has(p), false));
  const pty = (acl ?? []).find((e) => e.source === 'default' && e.major === PTY_MAJOR && e.minor === '*');
  defaults.push({
    path: PTY_LABEL,
    group: 'defaults',
    type: 'c',
    major: PTY_MAJOR,
    minor: '*',
    description: 'pseudo-terminals for the serial console',
    checked: true,
    locked: true,
    lockReason: 'the guest’s serial console needs the PTY devices; always allowed',
    present: true,
    usedBy: [],
    live: pty?.live,
    config: pty?.config,
  });

  // A bridged NIC's tap is attached through the TUN device: allowed while the guest has one, not the user's to drop.
  const bridged = (definition.nics ?? []).some((n) => n.bridge !== undefined);
  if (bridged) {
    defaults.push(
      fromHost(TUN_DEVICE_PATH, 'defaults', true, true, 'allowed while a network card is on a host bridge; set the cards to NAT to remove access'),
    );
  }

  // A disk needs a device entry only when its image is a block device; plain image files need none.
  const diskPaths = definition.disks.map((d) => d.path).filter((p) => aclByPath.get(p)?.source === 'disk' || hostByPath.get(p)?.type === 'b');
  const disks = diskPaths.map((p) =>
    fromHost(p, 'disks', true, true, 'allowed while this disk is attached to the guest; detach the disk to remove access'),
  );

  const taken = new Set<string>([...DEFAULT_DEVICE_PATHS, ...diskPaths, ...(bridged ? [TUN_DEVICE_PATH] : [])]);
  const chosen = new Set(draft.extra);
  const otherPaths = new Set<string>();
  for (const d of host ?? []) if (!taken.has(d.path)) otherPaths.add(d.path);
  for (const p of draft.extra) if (!taken.has(p)) otherPaths.add(p);
  for (const p of definition.devices.extra) if (!taken.has(p)) otherPaths.add(p);
  const other = [...otherPaths].sort(comparePaths).map((p) => fromHost(p, 'other', chosen.has(p), false));

  return { defaults, disks, other };
}

/** Natural order, so /dev/sda2 comes before /dev/sda10. */
export const comparePaths = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

export const typeName = (t: DeviceType | undefined) => (t === 'b' ? 'block' : t === 'c' ? 'char' : '');

export const devNumber = (item: Pick<DeviceItem, 'major' | 'minor'>) => (item.major === undefined ? '' : `${item.major}:${item.minor ?? '?'}`);

/** Every word of the query appears in the path, description, type or major:minor. */
export function matchesQuery(item: DeviceItem, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = `${item.path} ${item.description ?? ''} ${typeName(item.type)} ${devNumber(item)}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

/** The draft as the definition stores it, so comparing drafts is comparing meaning, not order. */
export function normalizeDraft(d: DeviceDraft): DeviceDraft {
  return { extra: [...new Set(d.extra)].sort(comparePaths), omitDefaults: [...new Set(d.omitDefaults)].sort(comparePaths) };
}

/** What applying the draft would allow and deny, relative to the saved settings. */
export function draftChanges(saved: DeviceDraft, draft: DeviceDraft): { allow: string[]; deny: string[] } {
  const s = normalizeDraft(saved);
  const d = normalizeDraft(draft);
  const minus = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));
  return {
    allow: [...minus(d.extra, s.extra), ...minus(s.omitDefaults, d.omitDefaults)].sort(comparePaths),
    deny: [...minus(s.extra, d.extra), ...minus(d.omitDefaults, s.omitDefaults)].sort(comparePaths),
  };
}

export interface AclChange {
  label: string;
  change: 'allowed' | 'denied';
  /** In effect in the running guest now (otherwise from its next start). */
  live: boolean;
}

const aclKey = (e: AclEntry) => `${e.type} ${e.major}:${e.minor}`;
const aclLabel = (e: AclEntry) => e.path ?? aclKey(e);

/** What an apply changed, from the effective ACL before and after, and whether each change reached the running guest. */
export function aclChanges(before: readonly AclEntry[], after: readonly AclEntry[]): AclChange[] {
  const b = new Map(before.map((e) => [aclKey(e), e]));
  const a = new Map(after.map((e) => [aclKey(e), e]));
  const changes: AclChange[] = [];
  for (const [k, e] of a) {
    const old = b.get(k);
    if (e.config && !old?.config) changes.push({ label: aclLabel(e), change: 'allowed', live: e.live });
  }
  for (const [k, e] of b) {
    const now = a.get(k);
    if (e.config && !now?.config) changes.push({ label: aclLabel(e), change: 'denied', live: e.live ? !now?.live : false });
  }
  return changes.sort((x, y) => comparePaths(x.label, y.label));
}
