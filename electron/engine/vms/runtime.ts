// The runtime dir ($XDG_RUNTIME_DIR/cgvirt or /run/cgvirt): one engine's lock, and per running guest a status file
// plus QEMU's QMP socket, pidfile and VNC socket. Files are named by uuid: a unix socket path must fit in 108 bytes,
// which a 64-byte guest name, percent-encoded, would not.
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CgvirtError } from '../../../shared';
import { readProcStartTime } from '../qemu/proc';
import type { RuntimePaths } from '../qemu/runtime-files';

/** What a restarted engine needs to reattach to a running guest. */
export const runtimeStatusSchema = z.object({
  name: z.string(),
  uuid: z.string(),
  pid: z.number().int().positive(),
  /** /proc/<pid>/stat field 22: with the pid it names one process for good. */
  startTime: z.number().int().nonnegative(),
  qmpSocket: z.string(),
  pidfile: z.string(),
  vncSocket: z.string().optional(),
  serialSocket: z.string().optional(),
  logPath: z.string(),
  startedAt: z.string(),
  /** The cpu_shares last set live (a v2 host stores a lossy weight; see cgroup/cpu-weight.ts). */
  shares: z.number().int().optional(),
  /** The taps made for the run's bridged NICs: deleted when it ends, also by an engine that did not start it. */
  taps: z.array(z.string()).optional(),
});
export type RuntimeStatus = z.infer<typeof runtimeStatusSchema>;

const lockSchema = z.object({ pid: z.number().int(), startTime: z.number().int() });

/** Runtime dirs locked by engines of this process (the pid in the lock file cannot tell them apart). */
const lockedHere = new Set<string>();

// sun_path is 108 bytes with its NUL; the longest name we put there is `<uuid>.qmp` (40 bytes) after a '/'.
const MAX_DIR_BYTES = 107 - 41;

export class RuntimeDir {
  private lockHeld = false;

  constructor(readonly dir: string) {
    if (Buffer.byteLength(dir) > MAX_DIR_BYTES) {
      throw new CgvirtError(
        'INVALID_ARG',
        `runtime dir '${dir}' is ${Buffer.byteLength(dir)} bytes long; QEMU's unix sockets there need it at most ${MAX_DIR_BYTES} bytes (set XDG_RUNTIME_DIR to a shorter path)`,
      );
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private get lockFile() {
    return join(this.dir, 'engine.lock');
  }

  /**
   * Only one engine may own a runtime dir: two would both reap, reattach and remove the same guests' groups. The lock
   * holds the owner's pid and start time, so a lock left by a dead engine (or a reused pid) is recognized as stale.
   */
  async acquireLock(): Promise<void> {
    if (lockedHere.has(this.dir)) {
      throw new CgvirtError('OPERATION_INVALID', `another cgvirt engine (pid ${process.pid}) already manages ${this.dir} (in this very process)`);
    }
    const me = JSON.stringify({ pid: process.pid, startTime: await readProcStartTime(process.pid) });
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(this.lockFile, 'wx', 0o600);
        try {
          writeSync(fd, me);
        } finally {
          closeSync(fd);
        }
        this.lockHeld = true;
        lockedHere.add(this.dir);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = this.lockOwner();
      // Our own pid in the file but no engine of ours holding it: left by an engine of this process that did not release.
      if (owner && owner.pid !== process.pid && (await readProcStartTime(owner.pid)) === owner.startTime) {
        throw new CgvirtError(
          'OPERATION_INVALID',
          `another cgvirt engine (pid ${owner.pid}) already manages ${this.dir}; stop it first, or use another XDG_RUNTIME_DIR`,
        );
      }
      rmSync(this.lockFile, { force: true }); // stale: its engine is gone
    }
    throw new CgvirtError('OPERATION_FAILED', `could not take the engine lock in ${this.dir}`);
  }

  private lockOwner(): z.infer<typeof lockSchema> | null {
    try {
      const parsed = lockSchema.safeParse(JSON.parse(readFileSync(this.lockFile, 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  releaseLock(): void {
    if (!this.lockHeld) return;
    if (this.lockOwner()?.pid === process.pid) rmSync(this.lockFile, { force: true });
    this.lockHeld = false;
    lockedHere.delete(this.dir);
  }

  paths(uuid: string, vnc: boolean): RuntimePaths {
    return {
      qmpSocket: join(this.dir, `${uuid}.qmp`),
      pidfile: join(this.dir, `${uuid}.pid`),
      ...(vnc ? { vncSocket: join(this.dir, `${uuid}.vnc`) } : {}),
      serialSocket: join(this.dir, `${uuid}.serial`),
    };
  }

  private statusFile(uuid: string) {
    return join(this.dir, `${uuid}.json`);
  }

  /**
   * Atomic (temp file + rename) but not fsynced: the runtime dir is volatile by design ($XDG_RUNTIME_DIR, /run), its
   * files describe processes that do not survive a reboot either. A slider drag rewrites this file, so it is a plain
   * write and rename (tens of µs) rather than write-file-atomic's durable path (1.7 ms measured here).
   */
  writeStatus(status: RuntimeStatus): void {
    const file = this.statusFile(status.uuid);
    writeFileSync(`${file}.tmp`, JSON.stringify(status), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }

  removeStatus(uuid: string): void {
    rmSync(this.statusFile(uuid), { force: true });
  }

  /** Every status file; unreadable ones are returned by file name so the caller can clean them. */
  readStatuses(): { statuses: RuntimeStatus[]; unreadable: string[] } {
    const statuses: RuntimeStatus[] = [];
    const unreadable: string[] = [];
    for (const file of readdirSync(this.dir).filter((f) => /^[0-9a-f-]{36}\.json$/.test(f))) {
      try {
        const parsed = runtimeStatusSchema.safeParse(JSON.parse(readFileSync(join(this.dir, file), 'utf8')));
        if (parsed.success) statuses.push(parsed.data);
        else unreadable.push(file);
      } catch {
        unreadable.push(file);
      }
    }
    return { statuses, unreadable };
  }

  removeFile(file: string): void {
    rmSync(join(this.dir, file), { force: true });
  }
}
