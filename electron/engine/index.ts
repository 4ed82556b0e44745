// The engine's front door for main.ts, serve.ts, the bench and tests: where its state lives, and starting it.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { EngineApi } from './api';
import { CgroupHierarchy, readHostDetection } from './cgroup';
import { assembleEngine, type EngineHooks } from './engine';
import { RuntimeDir } from './vms/runtime';
import { DefinitionStore } from './vms/store';

export type { EngineApi } from './api';
export type { EngineHooks } from './engine';

export interface EngineOptions {
  /** Definitions, logs, images: `$CGVIRT_HOME`, else `$XDG_CONFIG_HOME/cgvirt`, else `~/.config/cgvirt`. */
  configDir: string;
  /** Lock, status files, QEMU sockets: `$XDG_RUNTIME_DIR/cgvirt`, else `/run/cgvirt`. */
  runtimeDir: string;
  /** `$CGVIRT_CGROUP_PARTITION`, else `/cgvirt`. */
  partition?: string | undefined;
  /** `$CGVIRT_QEMU`, else qemu-system-x86_64 on PATH. */
  qemuBinary?: string | undefined;
  /** Start the guests marked autostart (default true). */
  autostart?: boolean;
  destroyGraceMs?: number;
  statsIntervalMs?: number;
  /** Tests and the bench only: observers of starts (see engine.ts). */
  hooks?: EngineHooks;
}

const nonEmpty = (v: string | undefined) => (v && v.length > 0 ? v : undefined);

export function engineOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): EngineOptions {
  const configDir = nonEmpty(env.CGVIRT_HOME) ?? join(nonEmpty(env.XDG_CONFIG_HOME) ?? join(homedir(), '.config'), 'cgvirt');
  const runtimeDir = join(nonEmpty(env.XDG_RUNTIME_DIR) ?? '/run', 'cgvirt');
  return { configDir, runtimeDir, partition: nonEmpty(env.CGVIRT_CGROUP_PARTITION), qemuBinary: nonEmpty(env.CGVIRT_QEMU) };
}

/**
 * Opens the state dirs, takes the runtime dir's lock (one engine per dir), reattaches to running guests and starts the
 * autostart ones. Notes about what was found (reattached, cleaned) go to `onNote`.
 */
export async function createEngine(options: EngineOptions, onNote: (line: string) => void = () => undefined): Promise<EngineApi> {
  const cgroups = new CgroupHierarchy(readHostDetection(), { partition: options.partition });
  const runtime = new RuntimeDir(options.runtimeDir);
  await runtime.acquireLock();
  try {
    const store = new DefinitionStore(options.configDir);
    for (const b of store.load()) onNote(`definition ${b.file} is broken: ${b.reason}`);
    for (const dir of ['logs', 'images']) mkdirSync(join(options.configDir, dir), { recursive: true, mode: 0o700 });
    const engine = assembleEngine({
      store,
      runtime,
      cgroups,
      configDir: options.configDir,
      qemuBinary: options.qemuBinary,
      destroyGraceMs: options.destroyGraceMs ?? 5000,
      statsIntervalMs: options.statsIntervalMs,
      hooks: options.hooks,
    });
    for (const note of await engine.init({ autostart: options.autostart ?? true })) onNote(note);
    return engine;
  } catch (e) {
    runtime.releaseLock();
    throw e;
  }
}
