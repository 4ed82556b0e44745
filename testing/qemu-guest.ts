// For integration tests only: start a real QEMU boot-sector guest in a fresh temp dir through the real launch path,
// and take everything down afterwards (process reaped, QMP closed, runtime files and dir removed).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definitionSchema, type Definition, type DefinitionInput } from '../shared';
import { writeBootImage } from './guests';
import { requireQemu } from '../electron/engine/host/qemu';
import { buildArgv } from '../electron/engine/qemu/argv';
import { launchQemu, stopQemu, waitForQmp, type LaunchedQemu } from '../electron/engine/qemu/launch';
import type { QmpClient } from '../electron/engine/qemu/qmp';
import { removeRuntimeFiles, type RuntimePaths } from '../electron/engine/qemu/runtime-files';

export interface TestDir {
  dir: string;
  paths: Required<RuntimePaths>;
  logPath: string;
  /** A halt boot-sector image in the dir. */
  bootImage: string;
  remove(): void;
}

export function newTestDir(): TestDir {
  const dir = mkdtempSync(join(tmpdir(), 'cgvirt-qemu-'));
  return {
    dir,
    paths: { qmpSocket: join(dir, 'qmp.sock'), pidfile: join(dir, 'qemu.pid'), vncSocket: join(dir, 'vnc.sock'), serialSocket: join(dir, 'serial.sock') },
    logPath: join(dir, 'guest.log'),
    bootImage: writeBootImage(dir, 'halt'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export const testDefinition = (d: Partial<DefinitionInput> = {}): Definition =>
  definitionSchema.parse({ name: 'it-guest', uuid: '5a0e2c1b-3d4f-4a5b-8c6d-7e8f9a0b1c2d', memoryMiB: 32, vcpus: 1, ...d });

/** Open fds of this process (the engine must not leak any across a guest's life). */
export const openFdCount = (): number => readdirSync('/proc/self/fd').length;

export interface TestGuest {
  definition: Definition;
  q: LaunchedQemu;
  qmp: QmpClient;
}

export async function startTestGuest(
  t: TestDir,
  {
    definition = testDefinition({ disks: [{ path: t.bootImage }] }),
    procsFiles = [],
    extraArgs = [],
    blockDevices,
  }: {
    definition?: Definition;
    procsFiles?: string[];
    extraArgs?: string[];
    blockDevices?: Set<string>;
  } = {},
): Promise<TestGuest> {
  const { path: binary } = await requireQemu();
  const args = [...buildArgv({ definition, accel: 'tcg', paths: t.paths, ...(blockDevices ? { blockDevices } : {}) }), ...extraArgs];
  const q = await launchQemu({ binary, args, procsFiles, logPath: t.logPath });
  try {
    return { definition, q, qmp: await waitForQmp(q, t.paths.qmpSocket) };
  } catch (e) {
    await stopQemu(q, { graceMs: 2000 });
    await removeRuntimeFiles(t.paths);
    throw e;
  }
}

/** Kills (if still running) and reaps QEMU, closes QMP, removes runtime files. Safe to call twice. */
export async function stopTestGuest(t: TestDir, g: TestGuest | undefined): Promise<void> {
  if (!g) return;
  g.qmp.destroy();
  await stopQemu(g.q, { graceMs: 2000 });
  await removeRuntimeFiles(t.paths);
}
