// A unique cgroup partition per test file, removed afterwards even when the test fails, and a sweep of partitions
// left by test processes that died before they could clean up. Written against the filesystem directly (not the
// engine's cgroup layer) so the tests check the engine from outside.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

const PREFIX = 'cgvirt-test-';

/** Every cgroup mount point of this host (v1 controllers and the v2 tree). */
export function cgroupMounts(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => / - cgroup2? /.test(l))
    .map((l) => l.split(' ')[4]!.replace(/\\040/g, ' '));
}

/** Partitions this process handed out and has not removed yet (what an interrupted bench must clean). */
const handedOut = new Set<string>();

/** `/cgvirt-test-<pid>-<random>`: the pid lets a later run tell a dead test's partition from a live one. */
export function newTestPartition(): string {
  const p = `/${PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
  handedOut.add(p);
  return p;
}

/** Removes every partition this process handed out (processes inside are killed: they are ours). */
export async function removeAllTestPartitions(): Promise<void> {
  for (const p of [...handedOut]) await removeTestPartition(p);
}

/** Whether process `pid` still exists (EPERM: it does, owned by someone else): a test run that went away leaves none. */
export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function pidsIn(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Kills what is left inside (only processes in our own test partition) and removes the groups bottom-up. */
async function removeTree(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await removeTree(join(dir, entry.name));
  }
  for (let attempt = 0; attempt < 50; attempt++) {
    const pids = pidsIn(dir);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    try {
      rmdirSync(dir);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY') throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`test partition group ${dir} could not be removed: still busy`);
}

/** Removes a test partition from every hierarchy. */
export async function removeTestPartition(partition: string): Promise<void> {
  if (!partition.startsWith(`/${PREFIX}`) || partition.includes('..')) {
    throw new Error(`refusing to remove '${partition}': not a test partition`);
  }
  for (const mount of cgroupMounts()) await removeTree(join(mount, partition));
  handedOut.delete(partition);
}

/** Removes test partitions whose test process is gone (a run killed before its cleanup). */
export async function sweepDeadTestPartitions(): Promise<void> {
  for (const mount of cgroupMounts()) {
    let names: string[];
    try {
      names = readdirSync(mount).filter((n) => n.startsWith(PREFIX));
    } catch {
      continue;
    }
    for (const name of names) {
      const pid = Number(name.slice(PREFIX.length).split('-')[0]);
      if (Number.isInteger(pid) && pid > 0 && !alive(pid)) await removeTree(join(mount, name));
    }
  }
}

/** The directories a partition still has, in any hierarchy (an empty list means it is gone). */
export function partitionLeftovers(partition: string): string[] {
  return cgroupMounts()
    .map((m) => join(m, partition))
    .filter((d) => existsSync(d));
}
