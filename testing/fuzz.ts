// A fuzz harness for the router, whatever carries the requests (in-process, WebSocket): thousands of random and hostile
// payloads across every channel, each reply checked to be a typed error or an answer valid against the channel's
// response schema. INTERNAL counts as a failure: it means a handler or the engine let an unexpected throw escape.
import { type Channel, CHANNEL_NAMES, channels, DEFAULT_DEVICE_PATHS, ERROR_CODES, type ErrorCode, type RequestOf, resultSchema } from '../shared';

/** Sends one request and resolves with the router's raw reply (a Result, if the transport is right). */
export type FuzzSend = (channel: unknown, payload: unknown) => Promise<unknown>;

export interface FuzzOptions {
  /** How many requests (default 10,000). */
  count?: number;
  /** Same seed, same payloads: a failure can be replayed. */
  seed?: number;
  /** Channels to aim at (default: all). Leave out the ones a run must not reach (e.g. `vm:destroy` of a guest under test). */
  channels?: readonly Channel[];
  /** Guest names to use in otherwise valid requests, so some reach the engine's handlers. */
  names?: readonly string[];
  /** Disk image paths for otherwise valid requests; keep them where nothing real lives. */
  diskPaths?: readonly string[];
  /** Longest generated string; keep a WebSocket run below its frame limit (default 1.5 M characters). */
  maxStringLength?: number;
  /** Called for each request, e.g. to check the engine still serves every N requests. */
  onCase?: (index: number, fuzzCase: FuzzCase, reply: unknown) => void | Promise<void>;
}

export interface FuzzCase {
  channel: unknown;
  payload: unknown;
  /** How the payload was made, for the report. */
  kind: string;
  /** The request cannot be valid: the reply must be INVALID_ARG. */
  mustRefuse: boolean;
}

export interface FuzzReport {
  sent: number;
  ok: number;
  errors: Record<ErrorCode, number>;
  /** Each reply that broke a rule, with its case (payload cut short). Empty when the run passed. */
  problems: string[];
}

/** Deterministic PRNG (mulberry32): fuzz runs are replayable from their seed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

const HOSTILE_STRINGS = [
  '',
  ' ',
  '.',
  '..',
  '../',
  '../../../../etc/passwd',
  'web/../../etc',
  'a/b',
  '/dev/../etc/shadow',
  '/dev/./null',
  '/dev//null',
  '/dev/',
  '/devx/null',
  '/dev/null\u0000/etc/passwd',
  'relative/disk.img',
  'file=/etc/passwd,format=raw',
  'a,b=c',
  'if=none,,id=x',
  '-S',
  '--',
  '-writeconfig /tmp/x',
  '$(reboot)',
  '`id`',
  '; rm -rf /',
  'a\u0000b',
  '\n',
  '\r\n',
  '\u001b[2J',
  '\u0085',
  '\u202eevil',
  '\ud800',
  '😀'.repeat(17),
  'é'.repeat(33),
  'x'.repeat(65),
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'NaN',
  '1e309',
  '-1',
  'true',
  'null',
  '{}',
  'cpu_shares',
  'ullong',
  'string',
  'live',
];

const HOSTILE_NUMBERS = [
  0,
  -0,
  1,
  -1,
  1.5,
  0.1,
  NaN,
  Infinity,
  -Infinity,
  2,
  15,
  16,
  1024,
  2048,
  262144,
  262145,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  2 ** 63,
  2 ** 64,
  -(2 ** 64),
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  -1e-300,
];

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'then', 'bogus', '', 'a'.repeat(300), '0', 'length'];

function hugeString(rng: Rng, max: number): string {
  const unit = rng.pick(['A', '../', 'x,', 'a/']);
  return unit.repeat(Math.max(1, Math.floor((max * (0.6 + 0.4 * rng.next())) / unit.length)));
}

/** Sets a key as an own property, even `__proto__` (an assignment would change the prototype instead). */
function setOwn(target: object, key: string, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

function nested(rng: Rng, depth: number): unknown {
  let v: unknown = rng.pick(['leaf', 1, null]);
  for (let i = 0; i < depth; i++) {
    if (rng.chance(0.5)) v = [v];
    else {
      const o = {};
      setOwn(o, rng.pick(HOSTILE_KEYS), v);
      v = o;
    }
  }
  return v;
}

/** Per case: the longest string, and whether the case already has its one huge string (so a frame stays bounded). */
type ValueOptions = { maxStringLength: number; hugeUsed: boolean };

/** Any value at all, mostly small, sometimes huge or deep. */
function randomValue(rng: Rng, opts: ValueOptions, depth = 0): unknown {
  const roll = rng.int(100);
  if (roll < 25) return rng.pick(HOSTILE_STRINGS);
  if (roll < 45) return rng.pick(HOSTILE_NUMBERS);
  if (roll < 50) return rng.pick([true, false, null, undefined]);
  if (roll < 51) {
    if (opts.hugeUsed) return rng.pick(HOSTILE_STRINGS);
    opts.hugeUsed = true;
    return hugeString(rng, opts.maxStringLength);
  }
  if (roll < 53) return nested(rng, rng.pick([40, 500, 3000]));
  if (roll < 58) return String(rng.pick(HOSTILE_NUMBERS));
  if (depth > 3) return rng.pick(HOSTILE_STRINGS);
  if (roll < 75) return Array.from({ length: rng.int(5) }, () => randomValue(rng, opts, depth + 1));
  const o = {};
  const n = rng.int(4);
  for (let i = 0; i < n; i++) setOwn(o, rng.pick([...HOSTILE_KEYS, 'name', 'flags', 'live', 'path']), randomValue(rng, opts, depth + 1));
  return o;
}

/** Valid requests per channel, typed against the map; a channel without one is fuzzed from an empty request. */
function samples(rng: Rng, names: readonly string[], diskPaths: readonly string[]): { [C in Channel]?: RequestOf<C> } {
  const name = rng.pick(names);
  const path = rng.pick(diskPaths);
  const flags = rng.pick([undefined, { live: true }, { config: true }, { live: true, config: true }, {}]);
  return {
    'host:info': {},
    'vm:list': {},
    'vm:broken': {},
    'vm:get': { name },
    'vm:define': {
      name,
      memoryMiB: rng.pick([16, 64, 128]),
      vcpus: rng.pick([1, 2]),
      disks: rng.chance(0.5) ? [{ path, format: rng.pick(['raw', 'qcow2'] as const), readonly: rng.chance(0.5) }] : [],
      cpu: { shares: rng.pick([2, 512, 1024, 262144]) },
      devices: { extra: rng.chance(0.3) ? ['/dev/null'] : [], omitDefaults: rng.chance(0.3) ? ['/dev/urandom'] : [] },
    },
    'vm:update': { name, memoryMiB: 64, vcpus: 1, cpu: { shares: rng.pick([2, 2048]) } },
    'vm:undefine': { name },
    'vm:start': { name },
    'vm:shutdown': { name },
    'vm:destroy': { name },
    'vm:pause': { name },
    'vm:resume': { name },
    'vm:reboot': { name },
    'vm:attachDisk': { name, disk: { path, bus: rng.pick(['virtio', 'ide', 'scsi'] as const) }, flags },
    'vm:detachDisk': { name, path, flags },
    'vm:log': { name, lines: rng.pick([1, 200, 10000]) },
    'sched:getType': { name },
    'sched:get': { name, flags: rng.pick([undefined, { live: true }, { config: true }]) },
    'sched:set': {
      name,
      params: [{ field: 'cpu_shares', type: 'ullong', value: rng.pick([2, 1024, 2048, 262144]) }],
      flags,
    },
    'devices:host': {},
    'devices:get': { name },
    'devices:set': {
      name,
      extra: rng.chance(0.5) ? ['/dev/null', '/dev/zero'] : [],
      omitDefaults: rng.chance(0.5) ? [rng.pick(DEFAULT_DEVICE_PATHS)] : [],
      flags,
    },
    'storage:create': { fileName: `fuzz-${rng.int(1000)}.img`, format: rng.pick(['raw', 'qcow2'] as const), sizeMiB: 1 },
  };
}

/** Every object inside a value (the value itself included), with the path to it. */
function objectsIn(value: unknown, path: (string | number)[] = []): { obj: Record<string, unknown> | unknown[]; path: (string | number)[] }[] {
  if (typeof value !== 'object' || value === null) return [];
  const out: { obj: Record<string, unknown> | unknown[]; path: (string | number)[] }[] = [{ obj: value as Record<string, unknown>, path }];
  for (const [k, v] of Object.entries(value)) out.push(...objectsIn(v, [...path, Array.isArray(value) ? Number(k) : k]));
  return out;
}

/** Generates the cases: a mix of whole-payload garbage, mutated valid requests, valid requests and unknown channels. */
export function* fuzzCases(options: FuzzOptions = {}): Generator<FuzzCase> {
  const rng = prng(options.seed ?? 0x5eed);
  const count = options.count ?? 10_000;
  const targets = options.channels ?? CHANNEL_NAMES;
  const names = options.names ?? ['fuzz-guest'];
  const diskPaths = options.diskPaths ?? ['/nonexistent/cgvirt-fuzz/disk.img'];
  const opts: ValueOptions = { maxStringLength: options.maxStringLength ?? 1_500_000, hugeUsed: false };

  for (let i = 0; i < count; i++) {
    opts.hugeUsed = false;
    const channel = rng.pick(targets);
    const roll = rng.int(100);
    if (roll < 5) {
      const bad = rng.chance(0.7) ? rng.pick([...HOSTILE_STRINGS, `${channel} `, channel.toUpperCase(), `vm:${'x'.repeat(70)}`]) : randomValue(rng, opts);
      // '' and the like are never channels; a generated string that happens to be one is not a refusal case.
      yield { channel: bad, payload: {}, kind: 'unknown channel', mustRefuse: !(typeof bad === 'string' && Object.hasOwn(channels, bad)) };
      continue;
    }
    if (roll < 20) {
      const payload = randomValue(rng, opts);
      const isObject = typeof payload === 'object' && payload !== null && !Array.isArray(payload);
      yield { channel, payload, kind: 'random payload', mustRefuse: !isObject && payload !== undefined };
      continue;
    }
    const base: unknown = samples(rng, names, diskPaths)[channel] ?? {};
    if (roll < 30) {
      yield { channel, payload: base, kind: 'valid', mustRefuse: false };
      continue;
    }
    const targetsIn = objectsIn(base);
    const { obj, path } = rng.pick(targetsIn);
    if (roll < 50) {
      // An unknown key in any (strict) object of the request can never pass.
      if (Array.isArray(obj)) {
        obj.push(randomValue(rng, opts));
        yield { channel, payload: base, kind: `extra element at ${path.join('.')}`, mustRefuse: false };
      } else {
        const key = rng.pick(HOSTILE_KEYS);
        const addsUnknown = !Object.hasOwn(obj, key);
        let value = randomValue(rng, opts);
        if (value === undefined) value = null; // JSON would drop the key, and the request would be valid again
        setOwn(obj, key, value);
        yield { channel, payload: base, kind: `added key '${key.slice(0, 20)}' at ${path.join('.')}`, mustRefuse: addsUnknown };
      }
      continue;
    }
    const keys = Object.keys(obj);
    if (keys.length === 0) {
      yield { channel, payload: base, kind: 'valid (no field to mutate)', mustRefuse: false };
      continue;
    }
    const key = rng.pick(keys);
    if (roll < 60) {
      if (Array.isArray(obj)) obj.splice(Number(key), 1);
      else delete obj[key];
      yield { channel, payload: base, kind: `deleted ${[...path, key].join('.')}`, mustRefuse: false };
    } else {
      const value = randomValue(rng, opts);
      if (Array.isArray(obj)) obj[Number(key)] = value;
      else setOwn(obj, key, value);
      yield { channel, payload: base, kind: `replaced ${[...path, key].join('.')}`, mustRefuse: false };
    }
  }
}

/** What is wrong with a reply, or null when it is a typed error or a valid answer. */
export function replyProblem(fuzzCase: FuzzCase, reply: unknown): string | null {
  const result = resultSchema.safeParse(reply);
  if (!result.success) return 'reply is not a result envelope';
  const r = result.data;
  if (r.ok) {
    if (fuzzCase.mustRefuse) return 'a request that cannot be valid was answered ok';
    if (typeof fuzzCase.channel !== 'string' || !Object.hasOwn(channels, fuzzCase.channel)) return 'an unknown channel was answered ok';
    const response = channels[fuzzCase.channel as Channel].response.safeParse(r.value);
    return response.success ? null : `answer does not match the response schema: ${response.error.issues[0]?.message}`;
  }
  const { code, message } = r.error;
  if (code === 'INTERNAL') return `INTERNAL error (a bug): ${message}`;
  if (fuzzCase.mustRefuse && code !== 'INVALID_ARG') return `expected INVALID_ARG, got ${code}`;
  if (message.length === 0) return 'empty error message';
  if (message.length > 5000) return `error message is ${message.length} characters long`;
  if (/\n\s+at |\.(?:ts|js|mjs|cjs):\d+|node_modules/.test(message)) return 'error message carries a stack trace';
  if (message.includes('\u0000')) return 'error message carries a NUL';
  return null;
}

const preview = (v: unknown) => {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
};

/** Runs the cases through `send` and checks every reply. Never throws for a bad reply: the report lists them. */
export async function fuzz(send: FuzzSend, options: FuzzOptions = {}): Promise<FuzzReport> {
  const report: FuzzReport = {
    sent: 0,
    ok: 0,
    errors: Object.fromEntries(ERROR_CODES.map((c) => [c, 0])) as Record<ErrorCode, number>,
    problems: [],
  };
  let index = 0;
  for (const c of fuzzCases(options)) {
    let reply: unknown;
    try {
      reply = await send(c.channel, c.payload);
    } catch (e) {
      report.problems.push(`#${index} ${c.kind} on ${preview(c.channel)}: send failed: ${e instanceof Error ? e.message : String(e)}`);
      index++;
      continue;
    }
    report.sent++;
    const parsed = resultSchema.safeParse(reply);
    if (parsed.success && parsed.data.ok) report.ok++;
    else if (parsed.success && !parsed.data.ok) report.errors[parsed.data.error.code]++;
    const problem = replyProblem(c, reply);
    if (problem) report.problems.push(`#${index} ${c.kind} on ${preview(c.channel)}: ${problem}; payload ${preview(c.payload)}`);
    await options.onCase?.(index, c, reply);
    index++;
  }
  return report;
}
