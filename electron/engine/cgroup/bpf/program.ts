// The device filter program (BPF_PROG_TYPE_CGROUP_DEVICE) and the map it reads. The kernel runs it on every open and
// mknod of a device node by a process in the group, with `struct bpf_cgroup_dev_ctx { u32 access_type; u32 major;
// u32 minor; }` in r1, access_type = (access << 16) | type. It looks the node up in a hash map keyed by
// {u32 type, u32 major, u32 minor}, first exactly, then with the minor wildcarded, then major and minor both (a
// wildcard is ~0), and allows (returns 1) only when an entry is found whose access mask grants everything asked.
// Anything else is denied (0). mknod is never allowed, whatever a map entry holds: the same rule as the v1 ACL.
import {
  addImm,
  andImm,
  andReg,
  call,
  exit,
  HELPER_MAP_LOOKUP_ELEM,
  jneImm,
  ldMapFd,
  ldxW,
  movImm,
  movReg,
  R10,
  rshImm,
  stW,
  stxW,
  xorImm,
  type Insn,
} from './insns';

/** BPF_DEVCG_DEV_* (the low 16 bits of access_type). */
export const DEV_BLOCK = 1;
export const DEV_CHAR = 2;
/** BPF_DEVCG_ACC_* (the high 16 bits). */
export const ACC_MKNOD = 1;
export const ACC_READ = 2;
export const ACC_WRITE = 4;
/** A wildcard major or minor in a key. */
export const ANY = 0xffffffff;

export const KEY_SIZE = 12;
export const VALUE_SIZE = 4;

export interface FilterKey {
  type: typeof DEV_BLOCK | typeof DEV_CHAR;
  major: number;
  minor: number;
}

export function encodeKey(k: FilterKey): Buffer {
  const b = Buffer.alloc(KEY_SIZE);
  b.writeUInt32LE(k.type, 0);
  b.writeUInt32LE(k.major >>> 0, 4);
  b.writeUInt32LE(k.minor >>> 0, 8);
  return b;
}
export function decodeKey(b: Buffer): FilterKey {
  return { type: b.readUInt32LE(0) as FilterKey['type'], major: b.readUInt32LE(4), minor: b.readUInt32LE(8) };
}
export function encodeMask(mask: number): Buffer {
  const b = Buffer.alloc(VALUE_SIZE);
  b.writeUInt32LE(mask, 0);
  return b;
}

// The key lives on the stack at r10-16: type @-16, major @-12, minor @-8.
const KEY = -16;
const lookup = (mapFd: number): Step[] => [...ldMapFd(1, mapFd), movReg(2, R10), addImm(2, KEY), call(HELPER_MAP_LOOKUP_ELEM), { jneTo: 'found', reg: 0 }];

type Step = Insn | { label: string } | { jneTo: string; reg: 0 | 1 };

/** The program for the map `mapFd` (its fd is resolved by the verifier at load; the program keeps the map). */
export function deviceProgram(mapFd: number): Insn[] {
  const steps: Step[] = [
    movReg(6, 1), // r6 = ctx
    ldxW(7, 6, 0), // r7 = access_type
    movReg(8, 7),
    andImm(8, 0xffff), // r8 = type
    rshImm(7, 16), // r7 = requested access
    stxW(R10, KEY, 8), // key.type
    ldxW(0, 6, 4),
    stxW(R10, KEY + 4, 0), // key.major = ctx.major
    ldxW(0, 6, 8),
    stxW(R10, KEY + 8, 0), // key.minor = ctx.minor
    ...lookup(mapFd), // (type, major, minor)
    stW(R10, KEY + 8, -1),
    ...lookup(mapFd), // (type, major, *)
    stW(R10, KEY + 4, -1),
    ...lookup(mapFd), // (type, *, *)
    movImm(0, 0),
    exit(), // no entry: deny
    { label: 'found' },
    ldxW(1, 0, 0), // r1 = the entry's mask
    andImm(1, ACC_READ | ACC_WRITE), // never mknod
    xorImm(1, -1), // r1 = what the entry does not grant
    andReg(1, 7), // r1 = requested & ~granted
    movImm(0, 0),
    { jneTo: 'out', reg: 1 }, // something asked is not granted: deny
    movImm(0, 1),
    { label: 'out' },
    exit(),
  ];
  return assemble(steps);
}

/** Resolves labels into jump offsets (counted in instructions from the one after the jump). */
function assemble(steps: readonly Step[]): Insn[] {
  const labels = new Map<string, number>();
  let pc = 0;
  for (const s of steps) {
    if ('label' in s) labels.set(s.label, pc);
    else pc++;
  }
  const out: Insn[] = [];
  for (const s of steps) {
    if ('label' in s) continue;
    if ('jneTo' in s) {
      const target = labels.get(s.jneTo);
      if (target === undefined) throw new Error(`no label ${s.jneTo}`);
      out.push(jneImm(s.reg, 0, target - (out.length + 1)));
    } else out.push(s);
  }
  return out;
}
