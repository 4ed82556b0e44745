// One group's device filter in the kernel: a hash map of allowed nodes and the program that reads it (program.ts),
// attached to the group's directory. Attached once when the group is configured; a live change is a map update.
// A restarted engine finds it again from the group: BPF_PROG_QUERY → prog id → prog fd → info.map_ids → map fd.
// Removing the group detaches the program (the kernel does); the fds held here are closed by `close()`.
import { constants, openSync } from 'node:fs';
import { CgvirtError } from '../../../../shared';
import {
  ATTACH_CGROUP_DEVICE,
  elemAttr,
  F_ALLOW_MULTI,
  idAttr,
  infoAttr,
  MAP_INFO_SIZE,
  MAP_TYPE_HASH,
  mapCreateAttr,
  parseMapInfo,
  parseProgInfo,
  PROG_INFO_MAP_IDS,
  PROG_INFO_NR_MAP_IDS,
  PROG_INFO_SIZE,
  PROG_TYPE_CGROUP_DEVICE,
  progLoadAttr,
  attachAttr,
  queryAttr,
  queryCount,
  UPDATE_ANY,
} from './attr';
import { encode } from './insns';
import { decodeKey, deviceProgram, encodeKey, encodeMask, KEY_SIZE, VALUE_SIZE, type FilterKey } from './program';
import { addressOf, bpf, BpfError, closeFd } from './syscall';

/** The marks by which a program and map are ours (a group may hold another manager's program). */
export const PROG_NAME = 'cgvirt_dev';
export const MAP_NAME = 'cgvirt_dev_acl';
/** Nodes one guest's filter can hold: far more than any ACL (defaults, PTYs, disks, extras). */
export const MAX_ENTRIES = 1024;
// Not GPL: the program calls only bpf_map_lookup_elem, which any license may use; cgvirt is MIT.
const LICENSE = Buffer.from('MIT\0', 'latin1');
const LOG_SIZE = 64 * 1024;

export type DeviceFilterProblem = 'foreign-program' | 'map-full' | 'attach-refused' | 'unavailable';

/** A device filter that cannot be used as asked; `problem` says which way. Never leaves a guest with a wider ACL. */
export class DeviceFilterError extends CgvirtError {
  constructor(
    readonly problem: DeviceFilterProblem,
    message: string,
  ) {
    super(
      problem === 'foreign-program' || problem === 'attach-refused' ? 'OPERATION_FAILED' : problem === 'map-full' ? 'INVALID_ARG' : 'UNSUPPORTED',
      message,
    );
  }
}

function openDir(dir: string): number {
  return openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
}

function withDirFd<T>(dir: string, fn: (fd: number) => T): T {
  const fd = openDir(dir);
  try {
    return fn(fd);
  } finally {
    closeFd(fd);
  }
}

/** The ids of the device programs attached to the group itself (not its ancestors'). */
export function attachedProgramIds(dir: string): number[] {
  return withDirFd(dir, (fd) => {
    for (let room = 8; ; room *= 4) {
      const ids = Buffer.alloc(room * 4);
      const attr = queryAttr(fd, ATTACH_CGROUP_DEVICE, addressOf(ids), room);
      try {
        bpf('PROG_QUERY', attr);
      } catch (e) {
        if (e instanceof BpfError && e.errno === 'ENOSPC' && room < 4096) continue;
        throw e;
      }
      return Array.from({ length: queryCount(attr) }, (_, i) => ids.readUInt32LE(i * 4));
    }
  });
}

/** Loads the program for `mapFd`; a verifier refusal comes back with the verifier's own words. */
export function loadProgram(mapFd: number): number {
  const insns = encode(deviceProgram(mapFd));
  const log = Buffer.alloc(LOG_SIZE);
  const attr = progLoadAttr({
    progType: PROG_TYPE_CGROUP_DEVICE,
    insnCnt: insns.length / 8,
    insns: addressOf(insns),
    license: addressOf(LICENSE),
    logLevel: 1,
    logSize: LOG_SIZE,
    logBuf: addressOf(log),
    name: PROG_NAME,
  });
  try {
    return bpf('PROG_LOAD', attr);
  } catch (e) {
    const text = log.toString('latin1', 0, Math.max(0, log.indexOf(0))).trim();
    if (e instanceof BpfError && text) throw new BpfVerifierError(text);
    throw e;
  }
}
export class BpfVerifierError extends Error {
  constructor(readonly log: string) {
    super(`the kernel's verifier refused the device filter: ${log.split('\n').slice(-3).join(' | ')}`);
  }
}

export function createMap(maxEntries = MAX_ENTRIES): number {
  return bpf('MAP_CREATE', mapCreateAttr({ mapType: MAP_TYPE_HASH, keySize: KEY_SIZE, valueSize: VALUE_SIZE, maxEntries, name: MAP_NAME }));
}

export class DeviceFilter {
  private constructor(
    readonly progId: number,
    private progFd: number | null,
    private mapFd: number | null,
    readonly maxEntries: number,
  ) {}

  /** Makes a new map and program and attaches it to the group at `dir` (which must have no device program yet). */
  static attach(dir: string, maxEntries = MAX_ENTRIES): DeviceFilter {
    let mapFd: number | null = null;
    let progFd: number | null = null;
    try {
      mapFd = createMap(maxEntries);
      progFd = loadProgram(mapFd);
      const fd = progFd;
      withDirFd(dir, (dirFd) => {
        try {
          bpf('PROG_ATTACH', attachAttr(dirFd, fd, ATTACH_CGROUP_DEVICE, F_ALLOW_MULTI));
        } catch (e) {
          if (e instanceof BpfError && e.errno === 'EPERM') {
            // A parent group holds a device program attached without BPF_F_ALLOW_MULTI: it allows no program below.
            throw new DeviceFilterError(
              'attach-refused',
              `the kernel refused a device filter on ${dir} (EPERM): an ancestor group's device program allows none below it`,
            );
          }
          throw e;
        }
      });
      return new DeviceFilter(programInfo(fd).id, progFd, mapFd, maxEntries);
    } catch (e) {
      closeFd(progFd);
      closeFd(mapFd);
      throw e;
    }
  }

  /**
   * The filter attached to the group at `dir`, or null when it has no device program. A program that is not ours
   * (its name, its one map's name and shape) is a DeviceFilterError: we cannot tell what it allows.
   */
  static find(dir: string): DeviceFilter | null {
    const ids = attachedProgramIds(dir);
    if (ids.length === 0) return null;
    let found: DeviceFilter | null = null;
    for (const id of ids) {
      let f: DeviceFilter | null;
      try {
        f = DeviceFilter.adopt(id);
      } catch (e) {
        found?.close(); // the one adopted before must not leak its fds
        throw e;
      }
      if (!f || found) {
        f?.close();
        found?.close();
        throw new DeviceFilterError(
          'foreign-program',
          `the group ${dir} holds a device program cgvirt did not make (BPF prog id ${id}${f ? ', a second cgvirt filter' : ''}): its device access is not what cgvirt shows, so cgvirt will not manage it`,
        );
      }
      found = f;
    }
    return found;
  }

  /** Is this filter still the one attached to the group at `dir` (and the only one)? */
  isAttachedTo(dir: string): boolean {
    const ids = attachedProgramIds(dir);
    return ids.length === 1 && ids[0] === this.progId;
  }

  private map(): number {
    if (this.mapFd === null) throw new Error('the device filter was closed');
    return this.mapFd;
  }

  set(key: FilterKey, mask: number): void {
    const k = encodeKey(key);
    const v = encodeMask(mask);
    try {
      bpf('MAP_UPDATE_ELEM', elemAttr(this.map(), addressOf(k), addressOf(v), UPDATE_ANY));
    } catch (e) {
      if (e instanceof BpfError && e.errno === 'E2BIG') {
        throw new DeviceFilterError('map-full', `the guest's device filter is full (${this.maxEntries} nodes): allow fewer device nodes`);
      }
      throw e;
    }
  }

  get(key: FilterKey): number | null {
    const k = encodeKey(key);
    const v = Buffer.alloc(VALUE_SIZE);
    try {
      bpf('MAP_LOOKUP_ELEM', elemAttr(this.map(), addressOf(k), addressOf(v)));
    } catch (e) {
      if (e instanceof BpfError && e.errno === 'ENOENT') return null;
      throw e;
    }
    return v.readUInt32LE(0);
  }

  delete(key: FilterKey): void {
    const k = encodeKey(key);
    try {
      bpf('MAP_DELETE_ELEM', elemAttr(this.map(), addressOf(k), 0n));
    } catch (e) {
      if (!(e instanceof BpfError && e.errno === 'ENOENT')) throw e;
    }
  }

  /** Every entry: key and access mask. */
  entries(): { key: FilterKey; mask: number }[] {
    const keys: Buffer[] = [];
    let prev: Buffer | null = null;
    for (;;) {
      const next = Buffer.alloc(KEY_SIZE);
      try {
        // A null key asks for the first one.
        bpf('MAP_GET_NEXT_KEY', elemAttr(this.map(), prev ? addressOf(prev) : 0n, addressOf(next)));
      } catch (e) {
        if (e instanceof BpfError && e.errno === 'ENOENT') break;
        throw e;
      }
      keys.push(next);
      prev = next;
      if (keys.length > this.maxEntries) break;
    }
    return keys.flatMap((k) => {
      const key = decodeKey(k);
      const mask = this.get(key);
      return mask === null ? [] : [{ key, mask }];
    });
  }

  clear(): void {
    for (const { key } of this.entries()) this.delete(key);
  }

  close(): void {
    closeFd(this.progFd);
    closeFd(this.mapFd);
    this.progFd = this.mapFd = null;
  }

  /** Opens program `id` and its map when they are ours; null (everything closed) when they are not. */
  private static adopt(id: number): DeviceFilter | null {
    let progFd: number | null = null;
    let mapFd: number | null = null;
    const closeAll = (): null => {
      closeFd(progFd);
      closeFd(mapFd);
      return null;
    };
    try {
      progFd = bpf('PROG_GET_FD_BY_ID', idAttr(id));
      const first = programInfo(progFd);
      if (first.type !== PROG_TYPE_CGROUP_DEVICE || first.name !== PROG_NAME || first.nrMapIds !== 1) return closeAll();
      const mapIds = Buffer.alloc(4);
      programInfo(progFd, mapIds);
      mapFd = bpf('MAP_GET_FD_BY_ID', idAttr(mapIds.readUInt32LE(0)));
      const info = Buffer.alloc(MAP_INFO_SIZE);
      bpf('OBJ_GET_INFO_BY_FD', infoAttr(mapFd, MAP_INFO_SIZE, addressOf(info)));
      const m = parseMapInfo(info);
      if (m.type !== MAP_TYPE_HASH || m.name !== MAP_NAME || m.keySize !== KEY_SIZE || m.valueSize !== VALUE_SIZE) return closeAll();
      return new DeviceFilter(id, progFd, mapFd, m.maxEntries);
    } catch (e) {
      closeAll();
      throw e;
    }
  }
}

function programInfo(progFd: number, mapIds?: Buffer) {
  const info = Buffer.alloc(PROG_INFO_SIZE);
  if (mapIds) {
    info.writeUInt32LE(mapIds.length / 4, PROG_INFO_NR_MAP_IDS);
    info.writeBigUInt64LE(addressOf(mapIds), PROG_INFO_MAP_IDS);
  }
  bpf('OBJ_GET_INFO_BY_FD', infoAttr(progFd, PROG_INFO_SIZE, addressOf(info)));
  return parseProgInfo(info);
}
