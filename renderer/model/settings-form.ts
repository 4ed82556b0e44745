// The Settings tab's form as data: the text the user types for each setting, the definition change it means, and
// the schema's words for what is wrong, per field, under the names the window uses (not the API's field names).
import {
  BOOT_DEVICES,
  definitionInputSchema,
  type AccelChoice,
  type BootDevice,
  type Definition,
  type DefinitionInput,
  type DISK_FORMATS,
  type NIC_MODELS,
  type NicMode,
  type PortForward,
  nicModeOf,
} from '../../shared';
import { inUserWords, leadingPath } from './user-words';

type DiskFormat = (typeof DISK_FORMATS)[number];
export type NicModel = (typeof NIC_MODELS)[number];

export interface ForwardDraft {
  protocol: PortForward['protocol'];
  hostPort: string;
  guestPort: string;
}

export interface NicDraft {
  model: NicModel;
  /** Empty: the engine assigns one. */
  mac: string;
  /** The saved NIC has this MAC: the guest's OS knows its card by it, so the form shows it and does not change it. */
  macAssigned: boolean;
  /** User-mode NAT, or a host bridge. */
  mode: NicMode;
  /** The host bridge when `mode` is bridge (kept while NAT is chosen, so choosing Bridge again brings it back). */
  bridge: string;
  /** Kept while Bridge is chosen (a bridged NIC has none), so choosing NAT again brings them back. */
  forwards: ForwardDraft[];
}

export interface SettingsDraft {
  memoryMiB: string;
  vcpus: string;
  /** Host CPUs to pin to, as a cpulist; empty: any. */
  cpuset: string;
  /** Empty: no limit. */
  memoryLimitMiB: string;
  autostart: boolean;
  disks: { path: string; format: DiskFormat }[];
  /** One per CD-ROM drive: its medium's path; empty: an empty drive. */
  cdroms: { path: string }[];
  /** What the firmware tries first. */
  bootFirst: BootDevice;
  /** Direct kernel boot, and its fields (kept while it is off, so turning it on again brings them back). */
  kernelBoot: boolean;
  kernel: string;
  initrd: string;
  cmdline: string;
  nics: NicDraft[];
  vnc: boolean;
  accel: AccelChoice;
}

/** The window's name for each definition field (what change reports and errors say). */
export const FIELD_LABEL: Record<Exclude<keyof Definition, 'name' | 'uuid'>, string> = {
  memoryMiB: 'memory',
  vcpus: 'vCPUs',
  disks: 'disks',
  cpu: 'CPU settings',
  memoryLimitMiB: 'memory limit',
  devices: 'device access',
  autostart: 'autostart',
  vnc: 'display',
  cdroms: 'CD-ROM drives',
  boot: 'boot',
  nics: 'network',
  accel: 'accelerator',
};

export const labelsOf = (fields: readonly string[]) => fields.map((f) => FIELD_LABEL[f as keyof typeof FIELD_LABEL] ?? f);

export function draftOf(def: Definition): SettingsDraft {
  const kernel = def.boot.kernel;
  return {
    memoryMiB: String(def.memoryMiB),
    vcpus: String(def.vcpus),
    cpuset: def.cpu.cpuset ?? '',
    memoryLimitMiB: def.memoryLimitMiB === undefined ? '' : String(def.memoryLimitMiB),
    autostart: def.autostart,
    disks: def.disks.map((d) => ({ path: d.path, format: d.format })),
    cdroms: def.cdroms.map((c) => ({ path: c.path ?? '' })),
    bootFirst: def.boot.order[0] ?? 'disk',
    kernelBoot: kernel !== undefined,
    kernel: kernel?.kernel ?? '',
    initrd: kernel?.initrd ?? '',
    cmdline: kernel?.cmdline ?? '',
    nics: def.nics.map((n) => ({
      model: n.model,
      mac: n.mac ?? '',
      macAssigned: n.mac !== undefined,
      mode: nicModeOf(n),
      bridge: n.bridge ?? '',
      forwards: n.forwards.map((f) => ({ protocol: f.protocol, hostPort: String(f.hostPort), guestPort: String(f.guestPort) })),
    })),
    vnc: def.vnc,
    accel: def.accel,
  };
}

/** A new NIC as the form adds it: virtio, a MAC from the engine, on NAT, nothing forwarded. */
export const newNicDraft = (): NicDraft => ({ model: 'virtio-net-pci', mac: '', macAssigned: false, mode: 'nat', bridge: '', forwards: [] });
/** A new forward as the form adds it: SSH (the guest's 22) from the first host port from 2222 no forward uses yet. */
export function newForwardDraft(nics: readonly NicDraft[]): ForwardDraft {
  const used = new Set(nics.flatMap((n) => n.forwards.filter((f) => f.protocol === 'tcp').map((f) => f.hostPort.trim())));
  let port = 2222;
  while (used.has(String(port))) port++;
  return { protocol: 'tcp', hostPort: String(port), guestPort: '22' };
}

/** A number field's text: empty is "not given" (the schema says what is required), never 0. */
const numberOf = (text: string) => (text.trim() === '' ? undefined : Number(text));

/** The boot order the draft asks for: the saved one while its first device stays first, else that device, then the other. */
function bootOrderOf(def: Definition, first: BootDevice): BootDevice[] {
  return def.boot.order[0] === first ? def.boot.order : [first, ...BOOT_DEVICES.filter((d) => d !== first)];
}

/** The change the draft asks for, applied to `def` (a disk kept by path keeps its bus and read-only flag). */
export function changeOf(def: Definition, draft: SettingsDraft): Omit<DefinitionInput, 'name' | 'uuid'> {
  const cpuset = draft.cpuset.trim();
  const limit = numberOf(draft.memoryLimitMiB);
  const { cpuset: _old, ...cpu } = def.cpu;
  return {
    memoryMiB: numberOf(draft.memoryMiB) as number,
    vcpus: numberOf(draft.vcpus) as number,
    cpu: cpuset ? { ...cpu, cpuset } : cpu,
    ...(limit === undefined ? { memoryLimitMiB: undefined } : { memoryLimitMiB: limit }),
    autostart: draft.autostart,
    disks: draft.disks.map((d) => {
      const kept = def.disks.find((k) => k.path === d.path);
      return kept ? { ...kept, format: d.format } : { path: d.path, format: d.format };
    }),
    cdroms: draft.cdroms.map((c) => (c.path.trim() === '' ? {} : { path: c.path })),
    boot: {
      order: bootOrderOf(def, draft.bootFirst),
      ...(draft.kernelBoot
        ? { kernel: { kernel: draft.kernel, ...(draft.initrd.trim() === '' ? {} : { initrd: draft.initrd }), cmdline: draft.cmdline } }
        : {}),
    },
    nics: draft.nics.map((n) => ({
      model: n.model,
      ...(n.mac.trim() === '' ? {} : { mac: n.mac.trim() }),
      ...(n.mode === 'bridge' ? { bridge: n.bridge } : {}),
      forwards:
        n.mode === 'bridge'
          ? []
          : n.forwards.map((f) => ({ protocol: f.protocol, hostPort: numberOf(f.hostPort) as number, guestPort: numberOf(f.guestPort) as number })),
    })),
    vnc: draft.vnc,
    accel: draft.accel,
  };
}

/**
 * Problems by form field: a draft field's name (`memoryMiB`, `kernel`), or for a field of a row its place:
 * `disks.0`, `cdroms.0`, `nics.0.mac`, `nics.0.bridge`, `nics.0.forwards.1.hostPort`.
 */
export type DraftProblems = Record<string, string | undefined>;

/** The form field a definition path (a schema issue's, or the one an engine refusal starts with) belongs to. */
export function problemKey(path: readonly PropertyKey[]): string {
  const [first, a, b, c, d] = path.map((p) => String(p));
  switch (first) {
    case undefined:
      return 'form';
    case 'cpu':
      return 'cpuset';
    case 'disks':
      return a === undefined ? 'disks' : `disks.${a}`;
    case 'cdroms':
      return a === undefined ? 'cdroms' : `cdroms.${a}`;
    case 'boot':
      return a === 'kernel' ? (b ?? 'kernel') : 'bootFirst';
    case 'nics':
      if (a === undefined) return 'nics';
      if (b === 'forwards') return c === undefined ? `nics.${a}.forwards` : `nics.${a}.forwards.${c}.${d ?? 'hostPort'}`;
      return `nics.${a}.${b === 'mac' || b === 'bridge' ? b : 'model'}`;
    default:
      return first;
  }
}

/** What is wrong with the draft, by form field, in the schema's words (the engine's); empty when nothing is. */
export function draftProblems(def: Definition, draft: SettingsDraft): DraftProblems {
  const parsed = definitionInputSchema.safeParse({ ...def, ...changeOf(def, draft) });
  const out: DraftProblems = {};
  if (parsed.success) return out;
  // An empty port is one not typed yet: say what to type, not the schema's "not undefined"; the same for a bridge.
  draft.nics.forEach((n, i) => {
    if (n.mode === 'bridge') {
      if (n.bridge === '') out[`nics.${i}.bridge`] = 'choose the host bridge the card joins';
      return;
    }
    n.forwards.forEach((f, k) => {
      if (f.hostPort.trim() === '') out[`nics.${i}.forwards.${k}.hostPort`] = 'enter the host port, 1 to 65535';
      if (f.guestPort.trim() === '') out[`nics.${i}.forwards.${k}.guestPort`] = 'enter the guest port, 1 to 65535';
    });
  });
  for (const issue of parsed.error.issues) out[problemKey(issue.path)] ??= inUserWords(issue.message);
  return out;
}

/** Fields an engine refusal can start with by their plain name (`cpuset '9': …`), not a path. */
const PLAIN_FIELDS = new Set(['memoryMiB', 'vcpus', 'cpuset', 'memoryLimitMiB']);

/**
 * An engine refusal that names a field of the form (`cdroms[0].path '/x.iso' does not exist`): that field's key and
 * the sentence in the form's words; null when it names none (the tab shows it by the Apply button).
 */
export function refusalProblem(message: string): { key: string; message: string } | null {
  const path = leadingPath(message);
  if (path) return { key: problemKey(path), message: inUserWords(message) };
  const plain = /^\w+/.exec(message)?.[0];
  return plain && PLAIN_FIELDS.has(plain) ? { key: plain, message: inUserWords(message) } : null;
}

/** The keys of the fields the form shows for `draft` (where a refusal can be put); CD-ROMs and disks only when shut off. */
export function formKeys(draft: SettingsDraft, { live }: { live: boolean }): Set<string> {
  return new Set([
    ...PLAIN_FIELDS,
    'bootFirst',
    ...(live ? [] : [...draft.disks.map((_, i) => `disks.${i}`), ...draft.cdroms.map((_, i) => `cdroms.${i}`)]),
    ...(draft.kernelBoot ? ['kernel', 'initrd', 'cmdline'] : []),
    ...draft.nics.flatMap((n, i) => [
      `nics.${i}.mac`,
      ...(n.mode === 'bridge'
        ? [`nics.${i}.bridge`]
        : n.forwards.flatMap((_, k) => [`nics.${i}.forwards.${k}.hostPort`, `nics.${i}.forwards.${k}.guestPort`])),
    ]),
  ]);
}

export const sameDraft = (a: SettingsDraft, b: SettingsDraft) => JSON.stringify(a) === JSON.stringify(b);
