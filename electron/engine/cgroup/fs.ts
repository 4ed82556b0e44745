// The filesystem calls the cgroup backends make, behind one small interface so tests can root them in a temporary tree
// that follows the kernel's rules (testing/fake-cgroup2.ts) where this host cannot show the real thing (v2 controllers).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { CgvirtError } from '../../../shared';

export interface CgroupFs {
  read(path: string): string;
  /** One write(2) of `data`, as the kernel expects for control files. */
  write(path: string, data: string): void;
  /** One level; throws EEXIST when present. */
  mkdir(path: string): void;
  rmdir(path: string): void;
  exists(path: string): boolean;
  /** Names of the child groups (subdirectories). */
  children(path: string): string[];
}

// Synchronous on purpose: a cgroup file read or write is an in-kernel call that never waits on a disk, and the
// threadpool's open/read/close round trips cost several times the call itself (the bench measured a 1000-guest stats
// tick at 218 ms through fs.promises against about 20 ms synchronously). Batches yield to the event loop (stats.ts).
export const nodeCgroupFs: CgroupFs = {
  read: (p) => readFileSync(p, 'utf8'),
  write: (p, data) => writeFileSync(p, data),
  mkdir: (p) => mkdirSync(p),
  rmdir: (p) => rmdirSync(p),
  exists: (p) => existsSync(p),
  children: (p) =>
    readdirSync(p, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name),
};

export const errnoOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | null)?.code;

/**
 * A kernel refusal as the user should read it. `what` names the setting in the user's words, `file` the control file
 * of the guest's own group (the only host path that may cross the IPC boundary).
 */
export function cgroupWriteError(e: unknown, what: string, file: string): CgvirtError {
  switch (errnoOf(e)) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new CgvirtError(
        'UNSUPPORTED',
        `cannot set ${what}: cgroup file ${file} is not writable (${errnoOf(e)}); cgvirt needs root or a delegated cgroup v2 subtree`,
      );
    case 'ENOENT':
      return new CgvirtError('UNSUPPORTED', `cannot set ${what}: ${file} does not exist on this host (controller or kernel feature missing)`);
    case 'EINVAL':
    case 'ERANGE':
      return new CgvirtError('INVALID_ARG', `the kernel refused ${what} (${errnoOf(e)} writing ${file})`);
    case 'EBUSY':
      return new CgvirtError('OPERATION_FAILED', `the kernel refused ${what}: ${file} is busy (EBUSY)`);
    default:
      return new CgvirtError('OPERATION_FAILED', `cannot set ${what}: ${(e as Error).message}`);
  }
}
