// What every part of the engine works with: the stores, the host's cgroups, the table of guests, the per-guest queue
// and the events. Built once by engine.ts and handed to each channel module.
import type { CgroupHierarchy } from '../cgroup';
import type { EngineEvents } from './events';
import type { GuestTable } from './guests';
import type { History } from './history';
import type { LifecycleContext } from './lifecycle';
import type { KeyedQueue } from './queue';
import type { RuntimeDir } from './runtime';
import type { DefinitionStore } from './store';

/** What the engine is made from (engine.ts takes these, plus its hooks and stats interval). */
export interface EngineBase {
  store: DefinitionStore;
  runtime: RuntimeDir;
  cgroups: CgroupHierarchy;
  configDir: string;
  qemuBinary?: string | undefined;
  /** SIGTERM → SIGKILL grace for destroy. */
  destroyGraceMs: number;
}

export interface EngineContext extends EngineBase {
  /** Operations on one guest run one at a time. */
  queue: KeyedQueue;
  guests: GuestTable;
  events: EngineEvents;
  /** The last minutes of ticks and priority changes, for pages that connect later. */
  history: History;
  lifecycle: LifecycleContext;
}
