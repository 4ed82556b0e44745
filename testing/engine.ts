// A real engine for tests and the bench: its own config and runtime dirs under /tmp (short: QEMU's unix socket paths
// must fit in 108 bytes), its own cgroup partition, boot-sector images, and a teardown that leaves nothing behind
// (guests destroyed, engine closed, partition and dirs removed), also when the test failed.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { definitionInputSchema, type DefinitionInput, type ParsedRequestOf } from '../shared';
import { createEngine, type EngineOptions } from '../electron/engine';
import type { Engine } from '../electron/engine/engine';
import { writeBootImage, type GuestKind } from './guests';
import { newTestPartition, removeTestPartition, sweepDeadTestPartitions } from './partition';

export interface EngineHarnessDirs {
  root: string;
  configDir: string;
  runtimeDir: string;
  partition: string;
}

/** Temporary roots this process made and has not removed yet (what an interrupted bench must clean). */
const roots = new Set<string>();
export function removeAllEngineDirs(): void {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  roots.clear();
}

export function newEngineDirs(): EngineHarnessDirs {
  const root = mkdtempSync('/tmp/cgv-');
  roots.add(root);
  const dirs = { root, configDir: join(root, 'config'), runtimeDir: join(root, 'run'), partition: newTestPartition() };
  mkdirSync(dirs.configDir);
  return dirs;
}

export interface EngineHarness {
  engine: Engine;
  dirs: EngineHarnessDirs;
  image(kind: GuestKind, file?: string): string;
  /** A small guest definition (validated, as the router hands it over): 32 MiB, 1 vCPU, booting a `kind` image. */
  guest(name: string, kind?: GuestKind, more?: Partial<DefinitionInput>): ParsedRequestOf<'vm:define'>;
  teardown(): Promise<void>;
}

export async function startEngineHarness(options: Partial<EngineOptions> = {}, dirs = newEngineDirs()): Promise<EngineHarness> {
  await sweepDeadTestPartitions();
  const engine = await createEngine({
    configDir: dirs.configDir,
    runtimeDir: dirs.runtimeDir,
    partition: dirs.partition,
    autostart: false,
    destroyGraceMs: 2000,
    ...options,
  });
  const images = join(dirs.root, 'images');
  mkdirSync(images, { recursive: true });
  const t: EngineHarness = {
    engine,
    dirs,
    image: (kind, file) => writeBootImage(images, kind, file),
    guest: (name, kind = 'halt', more = {}) =>
      // One image per guest: QEMU locks an image for a single writer.
      definitionInputSchema.parse({ name, memoryMiB: 32, vcpus: 1, disks: [{ path: t.image(kind, `${encodeURIComponent(name)}.img`) }], ...more }),
    teardown: async () => {
      try {
        for (const vm of await engine.list()) {
          if (vm.state !== 'shutoff' && vm.state !== 'crashed') await engine.destroy(vm.definition.name).catch(() => undefined);
        }
        await engine.close();
      } finally {
        await removeTestPartition(dirs.partition);
        rmSync(dirs.root, { recursive: true, force: true });
        roots.delete(dirs.root);
      }
    },
  };
  return t;
}
