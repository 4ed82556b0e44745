// A real engine for tests and the bench: its own config and runtime dirs under /tmp (short: QEMU's unix socket paths
// must fit in 108 bytes), its own cgroup partition, boot-sector images, and a teardown that leaves nothing behind
// (guests destroyed, engine closed, partition and dirs removed), also when the test failed.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { definitionInputSchema, hasProcess, type DefinitionInput, type ParsedRequestOf } from '../shared';
import { createEngine, type EngineApi, type EngineHooks, type EngineOptions } from '../electron/engine';
import type { RunningGuest, StartTimings } from '../electron/engine/vms/running';
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

/** Read-only QMP queries a test may make of a running guest (the renderer never gets a raw monitor). */
export type QmpQuery = 'query-status' | 'query-block' | 'query-cpus-fast';

export interface EngineHarness {
  engine: EngineApi;
  /** A read-only QMP query of a running guest, over the engine's own connection (QEMU serves one QMP client). */
  qmpQuery<T = unknown>(name: string, command: QmpQuery): Promise<T>;
  /** The stages of a guest's last start, for the bench. */
  startTimings(name: string): StartTimings | null;
  dirs: EngineHarnessDirs;
  image(kind: GuestKind, file?: string): string;
  /** A small guest definition (validated, as the router hands it over): 32 MiB, 1 vCPU, booting a `kind` image. */
  guest(name: string, kind?: GuestKind, more?: Partial<DefinitionInput>): ParsedRequestOf<'vm:define'>;
  teardown(): Promise<void>;
}

export type HarnessOptions = Partial<Omit<EngineOptions, 'hooks'>> & Pick<EngineHooks, 'beforeCont'>;

export async function startEngineHarness(options: HarnessOptions = {}, dirs = newEngineDirs()): Promise<EngineHarness> {
  await sweepDeadTestPartitions();
  const { beforeCont, ...engineOptions } = options;
  // The engine's observer hook is how a test sees its guests' QMP and start timings; no test method on the engine.
  const followed = new Map<string, RunningGuest>();
  const engine = await createEngine({
    configDir: dirs.configDir,
    runtimeDir: dirs.runtimeDir,
    partition: dirs.partition,
    autostart: false,
    destroyGraceMs: 2000,
    ...engineOptions,
    hooks: { beforeCont, onGuest: (g) => void followed.set(g.name, g) },
  });
  // A guest that ended is no longer followed; while it stops, QMP is the engine's to close (as the engine refused).
  engine.on('vm:state', (e) => {
    if (!hasProcess(e.state)) followed.delete(e.name);
  });
  const current = (name: string) => {
    const g = followed.get(name);
    return g && g.state !== 'stopping' ? g : undefined;
  };
  const images = join(dirs.root, 'images');
  mkdirSync(images, { recursive: true });
  const t: EngineHarness = {
    engine,
    dirs,
    qmpQuery: async <T>(name: string, command: QmpQuery) => {
      const g = current(name);
      if (!g) throw new Error(`guest '${name}' is not running`);
      return g.qmp.execute<T>(command);
    },
    startTimings: (name) => followed.get(name)?.timings ?? null,
    image: (kind, file) => writeBootImage(images, kind, file),
    guest: (name, kind = 'halt', more = {}) =>
      // One image per guest: QEMU locks an image for a single writer.
      definitionInputSchema.parse({ name, memoryMiB: 32, vcpus: 1, disks: [{ path: t.image(kind, `${encodeURIComponent(name)}.img`) }], ...more }),
    teardown: async () => {
      try {
        for (const vm of await engine.vmList({})) {
          if (hasProcess(vm.state)) await engine.vmDestroy({ name: vm.definition.name }).catch(() => undefined);
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
