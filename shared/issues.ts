// Turns zod's validation issues into one INVALID_ARG message that names the field and says what is allowed: the
// router's words, and the UI's (both import this, so a form shows exactly what the engine would answer). Messages the
// shared schemas word themselves (libvirt's words, the guest-name rule...) pass through unchanged; zod's generic ones
// are reworded here and get the field's path in front ("memoryMiB: ...").
import { z } from 'zod';
import { typeOfInput } from './domain';
import { quoteName } from './names';

/** Marks messages this module wrote, so the formatter knows which ones to prefix with a path. */
const MARK = '\u0000cgvirt:';

/** At most this many problems are spelled out; a fuzzer's thousand bad fields make one short reply. */
const MAX_SHOWN = 3;
const MAX_LIST = 8;

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;
type AnySchema = z.core.$ZodType;

/** A path as a reader writes it: `disks[0].path`; the request itself is `payload`. */
export function formatPath(path: readonly PropertyKey[], rootLabel = 'payload'): string {
  if (path.length === 0) return rootLabel;
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : `${i === 0 ? '' : '.'}${quoteName(String(seg), 40)}`)).join('');
}

/** The schema that validates the value at `path`, looking through optional/default/pipe wrappers. */
export function schemaAt(root: AnySchema, path: readonly PropertyKey[]): AnySchema | undefined {
  let schema: AnySchema | undefined = unwrap(root);
  for (const seg of path) {
    if (!schema) return undefined;
    const def = schema._zod.def as { type: string; shape?: Record<string, AnySchema>; element?: AnySchema };
    if (def.type === 'object' && typeof seg === 'string' && def.shape && Object.hasOwn(def.shape, seg)) {
      schema = unwrap(def.shape[seg]!);
    } else if (def.type === 'array' && typeof seg === 'number' && def.element) {
      schema = unwrap(def.element);
    } else return undefined;
  }
  return schema;
}

function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (let i = 0; i < 16; i++) {
    const def = s._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
    if (['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional'].includes(def.type) && def.innerType) {
      s = def.innerType;
    } else if (def.type === 'pipe' && def.in) s = def.in;
    else break;
  }
  return s;
}

const article = (type: string) => {
  const names: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    boolean: 'a boolean (true or false)',
    object: 'an object',
    array: 'an array',
    null: 'null',
    undefined: 'absent',
  };
  return names[type] ?? type;
};

/** What the input was, in words that never echo more than a short, quoted piece of it. */
function describeInput(input: unknown): string {
  if (typeof input === 'number') return String(input); // NaN, Infinity and 1.5 say themselves
  if (typeof input === 'string') return `'${quoteName(input, 40)}'`;
  if (typeof input === 'bigint') return 'a bigint';
  return article(typeOfInput(input));
}

/** A number field's allowed values, read from its schema (bounds and integer-ness), e.g. "an integer in range [1, 10000]". */
function numberRule(schema: AnySchema | undefined): string | undefined {
  if (!(schema instanceof z.ZodNumber)) return undefined;
  const kind = schema.isInt ? 'an integer' : 'a number';
  const min = Number.isFinite(schema.minValue ?? NaN) && Math.abs(schema.minValue!) < Number.MAX_SAFE_INTEGER ? schema.minValue : null;
  const max = Number.isFinite(schema.maxValue ?? NaN) && Math.abs(schema.maxValue!) < Number.MAX_SAFE_INTEGER ? schema.maxValue : null;
  if (min !== null && max !== null) return `${kind} in range [${min}, ${max}]`;
  if (min !== null) return `${kind} >= ${min}`;
  if (max !== null) return `${kind} <= ${max}`;
  return kind;
}

const list = (items: readonly string[]) =>
  items.length <= MAX_LIST ? items.join(', ') : `${items.slice(0, MAX_LIST).join(', ')} (and ${items.length - MAX_LIST} more)`;

const quoteValue = (v: unknown) => (typeof v === 'string' ? `'${quoteName(v, 40)}'` : String(v));

/** Words for an issue zod raised with its own generic message; the path is added by `formatIssues`. */
function reword(issue: RawIssue, root: AnySchema): string {
  const path = issue.path ?? [];
  const at = schemaAt(root, path);
  const input = issue.input;
  switch (issue.code) {
    case 'invalid_type': {
      const rule = numberRule(at);
      if (input === undefined) return `is required (${rule ?? article(issue.expected)})`;
      return `must be ${rule ?? article(issue.expected)}, not ${describeInput(input)}`;
    }
    case 'too_small':
    case 'too_big': {
      const rule = numberRule(at);
      if (rule) return `must be ${rule}, not ${describeInput(input)}`;
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const dir = issue.code === 'too_small' ? 'at least' : 'at most';
      if (issue.origin === 'array' || issue.origin === 'set') return `must have ${dir} ${String(bound)} item(s)`;
      if (issue.origin === 'string') return `must be ${dir} ${String(bound)} character(s) long`;
      return `must be ${dir} ${String(bound)}`;
    }
    case 'invalid_value': {
      const allowed = `one of ${list(issue.values.map(quoteValue))}`;
      return input === undefined ? `is required (${allowed})` : `must be ${allowed}, not ${describeInput(input)}`;
    }
    case 'unrecognized_keys': {
      const fields = at instanceof z.ZodObject ? Object.keys(at.shape) : [];
      const unknown = list(issue.keys.map((k) => `'${quoteName(k, 40)}'`));
      const allowed = fields.length ? `; allowed: ${list(fields)}` : '; it takes no fields';
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${unknown}${allowed}`;
    }
    case 'invalid_union': {
      const expected = [...new Set(issue.errors.flat().flatMap((i) => (i.code === 'invalid_type' && i.path.length === 0 ? [article(i.expected)] : [])))];
      return expected.length ? `must be ${expected.join(' or ')}, not ${describeInput(input)}` : 'matches none of the allowed forms';
    }
    case 'invalid_format':
      return `has an invalid format (expected ${issue.format})`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_key':
      return 'has an invalid key';
    case 'invalid_element':
      return 'has an invalid element';
    default:
      return 'is invalid';
  }
}

/**
 * Parse options for `safeParse`: zod calls this error map only for issues the schema did not word itself (a schema's
 * own message takes precedence), so marked messages are exactly the ones that need a path in front.
 */
export function parseOptionsFor(root: AnySchema): z.core.ParseContext<z.core.$ZodIssue> {
  return { error: (issue) => MARK + reword(issue, root) };
}

/** One message for all issues: the first few, one per field, then a count of the rest. */
export function formatIssues(issues: readonly Issue[], rootLabel = 'payload'): string {
  const seen = new Set<string>();
  const messages: string[] = [];
  for (const issue of issues) {
    const path = formatPath(issue.path, rootLabel);
    if (seen.has(path)) continue;
    seen.add(path);
    messages.push(issue.message.startsWith(MARK) ? `${path}: ${issue.message.slice(MARK.length)}` : issue.message);
  }
  const shown = messages.slice(0, MAX_SHOWN).join('; ');
  const rest = messages.length - MAX_SHOWN;
  return rest > 0 ? `${shown} (and ${rest} more problem${rest === 1 ? '' : 's'})` : shown;
}
