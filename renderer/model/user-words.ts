// The engine words its refusals with the API's field names ("memoryMiB '0' must be…"), which is right for the API;
// a form shows the same sentence under the name the user sees on the field.
const LABELS: Record<string, string> = {
  memoryMiB: 'Memory (MiB)',
  vcpus: 'vCPUs',
  memoryLimitMiB: 'Memory limit (MiB)',
  sizeMiB: 'Size (MiB)',
};

const LEADING_FIELD = /^(\w+)(?= '| must| is)/;

/** `message` with a leading API field name replaced by the form's label for it. */
export function inUserWords(message: string): string {
  return message.replace(LEADING_FIELD, (field) => LABELS[field] ?? field);
}
