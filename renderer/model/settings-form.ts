// The Settings tab's form as data: the text the user types for each setting, the definition change it means, and
// the schema's words for what is wrong, per field, under the names the window uses (not the API's field names).
import { definitionInputSchema, type Definition, type DefinitionInput, type DISK_FORMATS } from '../../shared';
import { inUserWords } from './user-words';

type DiskFormat = (typeof DISK_FORMATS)[number];

export interface SettingsDraft {
  memoryMiB: string;
  vcpus: string;
  /** Host CPUs to pin to, as a cpulist; empty: any. */
  cpuset: string;
  /** Empty: no limit. */
  memoryLimitMiB: string;
  autostart: boolean;
  disks: { path: string; format: DiskFormat }[];
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
  return {
    memoryMiB: String(def.memoryMiB),
    vcpus: String(def.vcpus),
    cpuset: def.cpu.cpuset ?? '',
    memoryLimitMiB: def.memoryLimitMiB === undefined ? '' : String(def.memoryLimitMiB),
    autostart: def.autostart,
    disks: def.disks.map((d) => ({ path: d.path, format: d.format })),
  };
}

/** A number field's text: empty is "not given" (the schema says what is required), never 0. */
const numberOf = (text: string) => (text.trim() === '' ? undefined : Number(text));

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
  };
}

/** What is wrong with the draft, by form field, in the schema's words (the engine's); empty when nothing is. */
export function draftProblems(def: Definition, draft: SettingsDraft): Partial<Record<keyof SettingsDraft, string>> {
  const parsed = definitionInputSchema.safeParse({ ...def, ...changeOf(def, draft) });
  const out: Partial<Record<keyof SettingsDraft, string>> = {};
  if (parsed.success) return out;
  for (const issue of parsed.error.issues) {
    const [first, , sub] = issue.path;
    const field: keyof SettingsDraft = first === 'cpu' ? 'cpuset' : first === 'disks' && sub === 'path' ? 'disks' : (first as keyof SettingsDraft);
    out[field] ??= inUserWords(issue.message);
  }
  return out;
}

export const sameDraft = (a: SettingsDraft, b: SettingsDraft) => JSON.stringify(a) === JSON.stringify(b);
