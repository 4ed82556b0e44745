// `union bpf_attr` laid out per command, as bytes (include/uapi/linux/bpf.h; offsets checked against the header with
// offsetof on x86_64). Pure: pointers come in as addresses, so the layouts are tested byte for byte. Every attr is
// ATTR_SIZE bytes; the kernel accepts a size beyond what it knows when the extra bytes are zero.

/** bpf(2) commands (enum bpf_cmd). */
export const CMD = {
  MAP_CREATE: 0,
  MAP_LOOKUP_ELEM: 1,
  MAP_UPDATE_ELEM: 2,
  MAP_DELETE_ELEM: 3,
  MAP_GET_NEXT_KEY: 4,
  PROG_LOAD: 5,
  PROG_ATTACH: 8,
  PROG_DETACH: 9,
  PROG_GET_FD_BY_ID: 13,
  MAP_GET_FD_BY_ID: 14,
  OBJ_GET_INFO_BY_FD: 15,
  PROG_QUERY: 16,
} as const;
export type BpfCmd = keyof typeof CMD;

export const MAP_TYPE_HASH = 1;
export const PROG_TYPE_CGROUP_DEVICE = 15;
export const ATTACH_CGROUP_DEVICE = 6;
/** Several programs on one group, all of which must allow (and those of the ancestors too). */
export const F_ALLOW_MULTI = 2;
/** MAP_UPDATE_ELEM flags: create or replace. */
export const UPDATE_ANY = 0;
/** Object names (map_name, prog_name) are BPF_OBJ_NAME_LEN = 16 bytes with the NUL. */
export const OBJ_NAME_LEN = 16;

export const ATTR_SIZE = 128;
export const PROG_INFO_SIZE = 232;
export const MAP_INFO_SIZE = 88;

function writeName(buf: Buffer, at: number, name: string): void {
  if (!/^[A-Za-z0-9_.]{0,15}$/.test(name)) throw new Error(`bpf object name '${name}' must be 0-15 of [A-Za-z0-9_.]`);
  buf.write(name, at, 'latin1');
}
export function readName(buf: Buffer, at: number): string {
  const raw = buf.subarray(at, at + OBJ_NAME_LEN);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? OBJ_NAME_LEN : end).toString('latin1');
}

export interface MapCreate {
  mapType: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  name: string;
}
/** BPF_MAP_CREATE: map_type @0, key_size @4, value_size @8, max_entries @12, map_flags @16, map_name @28. */
export function mapCreateAttr(m: MapCreate): Buffer {
  const a = Buffer.alloc(ATTR_SIZE);
  a.writeUInt32LE(m.mapType, 0);
  a.writeUInt32LE(m.keySize, 4);
  a.writeUInt32LE(m.valueSize, 8);
  a.writeUInt32LE(m.maxEntries, 12);
  writeName(a, 28, m.name);
  return a;
}

/** MAP_{LOOKUP,UPDATE,DELETE}_ELEM, MAP_GET_NEXT_KEY: map_fd @0, key @8, value or next_key @16, flags @24. */
export function elemAttr(mapFd: number, key: bigint, value: bigint, flags = 0): Buffer {
  const a = Buffer.alloc(ATTR_SIZE);
  a.writeUInt32LE(mapFd, 0);
  a.writeBigUInt64LE(key, 8);
  a.writeBigUInt64LE(value, 16);
  a.writeBigUInt64LE(BigInt(flags), 24);
  return a;
}

export interface ProgLoad {
  progType: number;
  insnCnt: number;
  insns: bigint;
  license: bigint;
  logLevel: number;
  logSize: number;
  logBuf: bigint;
  name: string;
}
/** BPF_PROG_LOAD: prog_type @0, insn_cnt @4, insns @8, license @16, log_level @24, log_size @28, log_buf @32, prog_name @48. */
export function progLoadAttr(p: ProgLoad): Buffer {
  const a = Buffer.alloc(ATTR_SIZE);
  a.writeUInt32LE(p.progType, 0);
  a.writeUInt32LE(p.insnCnt, 4);
  a.writeBigUInt64LE(p.insns, 8);
  a.writeBigUInt64LE(p.license, 16);
  a.writeUInt32LE(p.logLevel, 24);
  a.writeUInt32LE(p.logSize, 28);
  a.writeBigUInt64LE(p.logBuf, 32);
  writeName(a, 48, p.name);
  return a;
}

/** BPF_PROG_ATTACH / BPF_PROG_DETACH: target_fd @0, attach_bpf_fd @4, attach_type @8, attach_flags @12. */
export function attachAttr(targetFd: number, progFd: number, attachType: number, flags: number): Buffer {
  const a = Buffer.alloc(ATTR_SIZE);
  a.writeUInt32LE(targetFd, 0);
  a.writeUInt32LE(progFd, 4);
  a.writeUInt32LE(attachType, 8);
  a.writeUInt32LE(flags, 12);
  return a;
}

/** PROG_GET_FD_BY_ID / MAP_GET_FD_BY_ID: the id @0 (open_flags @8 stay 0: read and write). */
export function idAttr(id: number): Buffer {
  const a = Buffer.alloc(ATTR_SIZE);
  a.writeUInt32LE(id, 0);
  return a;
}

/** OBJ_GET_INFO_BY_FD: bpf_fd @0, info_len @4 (the kernel writes back what it filled), info @8. */
export function infoAttr(fd: number, infoLen: number, info: bigint): Buffer {
  const a = Buffer.alloc(ATTR_SIZE);
  a.writeUInt32LE(fd, 0);
  a.writeUInt32LE(infoLen, 4);
  a.writeBigUInt64LE(info, 8);
  return a;
}

/** BPF_PROG_QUERY: target_fd @0, attach_type @4, query_flags @8, attach_flags @12 (out), prog_ids @16, prog_cnt @24 (in: room, out: count). */
export function queryAttr(targetFd: number, attachType: number, progIds: bigint, room: number): Buffer {
  const a = Buffer.alloc(ATTR_SIZE);
  a.writeUInt32LE(targetFd, 0);
  a.writeUInt32LE(attachType, 4);
  a.writeBigUInt64LE(progIds, 16);
  a.writeUInt32LE(room, 24);
  return a;
}
export const queryCount = (attr: Buffer) => attr.readUInt32LE(24);

export interface ProgInfo {
  type: number;
  id: number;
  nrMapIds: number;
  name: string;
}
/** struct bpf_prog_info: type @0, id @4, nr_map_ids @52, map_ids @56 (a pointer we fill in), name @64. */
export const PROG_INFO_MAP_IDS = 56;
export const PROG_INFO_NR_MAP_IDS = 52;
export function parseProgInfo(b: Buffer): ProgInfo {
  return { type: b.readUInt32LE(0), id: b.readUInt32LE(4), nrMapIds: b.readUInt32LE(PROG_INFO_NR_MAP_IDS), name: readName(b, 64) };
}

export interface MapInfo {
  type: number;
  id: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  name: string;
}
/** struct bpf_map_info: type @0, id @4, key_size @8, value_size @12, max_entries @16, map_flags @20, name @24. */
export function parseMapInfo(b: Buffer): MapInfo {
  return {
    type: b.readUInt32LE(0),
    id: b.readUInt32LE(4),
    keySize: b.readUInt32LE(8),
    valueSize: b.readUInt32LE(12),
    maxEntries: b.readUInt32LE(16),
    name: readName(b, 24),
  };
}
