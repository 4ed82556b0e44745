// The engine words its refusals with the API's field names ("memoryMiB '0' must be…", "cdroms[0].path '/x.iso' does
// not exist"), which is right for the API; a form shows the same sentence under the name the user sees on the field.
const LABELS: Record<string, string> = {
  memoryMiB: 'Memory (MiB)',
  vcpus: 'vCPUs',
  memoryLimitMiB: 'Memory limit (MiB)',
  sizeMiB: 'Size (MiB)',
};

const LEADING_FIELD = /^(\w+)(?= '| must| is)/;
/** A path into the definition at the start of a sentence: `disks[0].path`, `nics[1].forwards[0].hostPort`, `boot.kernel.initrd`. */
const LEADING_PATH = /^([A-Za-z]\w*)((?:\[\d+\]|\.[A-Za-z]\w*)+)(?= )/;

export type ApiPath = (string | number)[];

/** The definition path an engine sentence starts with (`cdroms[0].path …` → ['cdroms', 0, 'path']), or null. */
export function leadingPath(message: string): ApiPath | null {
  const m = LEADING_PATH.exec(message);
  if (!m) return null;
  const rest = [...m[2]!.matchAll(/\[(\d+)\]|\.(\w+)/g)].map(([, index, key]) => (index === undefined ? key! : Number(index)));
  return [m[1]!, ...rest];
}

/** The window's words for a path into the definition, as the Settings tab labels its fields. */
export function pathLabel(path: ApiPath): string | undefined {
  const [first, a, b, c, d] = path;
  const n = typeof a === 'number' ? a + 1 : null;
  if (first === 'disks' && n !== null && b === 'path') return `Disk ${n} path`;
  if (first === 'cdroms' && n !== null) return `CD-ROM ${n}`;
  if (first === 'boot' && a === 'kernel') return b === 'initrd' ? 'Initrd' : b === 'cmdline' ? 'Kernel command line' : 'Kernel';
  if (first === 'nics' && b === 'mac') return 'MAC address';
  if (first === 'nics' && b === 'bridge') return 'Host bridge';
  if (first === 'nics' && b === 'forwards' && typeof c === 'number') return d === 'guestPort' ? 'Guest port' : d === 'protocol' ? 'Protocol' : 'Host port';
  return undefined;
}

/**
 * `message` with a leading API field name (or definition path) replaced by the form's label for it; `labelOf` names
 * paths for a form whose labels differ from the Settings tab's (the New guest dialog's "Image path").
 */
export function inUserWords(message: string, labelOf: (path: ApiPath) => string | undefined = pathLabel): string {
  const path = leadingPath(message);
  if (path) {
    const label = labelOf(path);
    return label ? label + message.slice(message.indexOf(' ')) : message;
  }
  return message.replace(LEADING_FIELD, (field) => LABELS[field] ?? field);
}
