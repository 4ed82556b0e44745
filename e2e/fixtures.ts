// Each spec gets the real thing: the built `serve` (npm test builds first) with its own config and runtime dirs and its
// own cgroup partition, real QEMU guests, and a page in Debian's Chromium. Teardown stops serve, removes the partition
// (any guest still running is in it and goes with it) and the dirs, also when the test failed.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test as base, expect } from '@playwright/test';
import { newEngineDirs, type EngineHarnessDirs } from '../testing/engine';
import { writeBootImage, type GuestKind } from '../testing/guests';
import { writeHangingQemu } from '../testing/hanging-qemu';
import { missing } from '../testing/host';
import { removeTestPartition, sweepDeadTestPartitions } from '../testing/partition';

export interface Served {
  url: string;
  dirs: EngineHarnessDirs;
  /** Writes a boot-sector image and returns its path. */
  image(kind: GuestKind, file: string): string;
  /** A guest's cgroup file, as the kernel shows it. */
  cgroupFile(guest: string, controller: string, file: string): string;
  groupExists(guest: string): boolean;
  /** Stops serve (SIGTERM: guests keep running), as a user restarting it would. */
  stop(): Promise<void>;
  /** Starts serve again on the same state: the same token and port. Resolves with the URL it printed. */
  start(): Promise<string>;
}

async function startServe(dirs: EngineHarnessDirs): Promise<{ child: ChildProcess; url: string }> {
  // No --port: the first run takes a free one and keeps it for the next (web-state.ts), as a user's serve does.
  const child = spawn(process.execPath, ['dist/electron/serve.js'], {
    env: {
      ...process.env,
      CGVIRT_HOME: dirs.configDir,
      XDG_RUNTIME_DIR: dirs.root,
      CGVIRT_CGROUP_PARTITION: dirs.partition,
      // The real QEMU, except for guests named hang…, which hang before QMP answers (testing/hanging-qemu.ts).
      CGVIRT_QEMU: writeHangingQemu(dirs.root),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (l) => {
      const m = /^cgvirt serving at (\S+)$/.exec(l);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before printing its URL (did npm run build run?)`)));
  });
  return { child, url };
}

export const test = base.extend<{ served: Served }>({
  // Playwright reads a fixture's dependencies from this pattern; this one has none.
  // eslint-disable-next-line no-empty-pattern
  served: async ({}, use, testInfo) => {
    const lacking = missing('root', 'cgroupV1', 'qemu', 'chromium');
    if (lacking.length && process.env.CGVIRT_STRICT !== '1') testInfo.skip(true, `this host lacks ${lacking.join('; ')}`);
    if (lacking.length) throw new Error(`this host lacks ${lacking.join('; ')} (CGVIRT_STRICT=1 turns the skip into a failure)`);
    await sweepDeadTestPartitions();
    const dirs = newEngineDirs();
    let { child, url } = await startServe(dirs);
    const stop = async () => {
      const gone = new Promise((r) => child.once('exit', r));
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await gone;
    };
    const group = (guest: string, controller: string) => join('/sys/fs/cgroup', controller, dirs.partition, 'qemu', guest);
    try {
      await use({
        url,
        dirs,
        image: (kind, file) => writeBootImage(dirs.root, kind, file),
        cgroupFile: (guest, controller, file) => readFileSync(join(group(guest, controller), file), 'utf8'),
        stop,
        start: async () => {
          ({ child, url } = await startServe(dirs));
          return url;
        },
        groupExists: (guest) =>
          ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices'].some((c) => {
            try {
              readFileSync(join(group(guest, c), 'cgroup.procs'));
              return true;
            } catch {
              return false;
            }
          }),
      });
    } finally {
      if (child.exitCode === null && child.signalCode === null) await stop();
      await removeTestPartition(dirs.partition);
      rmSync(dirs.root, { recursive: true, force: true });
    }
  },
});

export { expect };
