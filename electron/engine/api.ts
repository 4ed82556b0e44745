// What the engine offers its callers (the IPC router, the bench, tests). The router's handlers call exactly this; the
// engine never knows about channels or transports. Inputs are already validated by the channel schemas in shared/.
import type {
  AclEntry,
  BrokenDefinition,
  Disk,
  EventName,
  EventOf,
  HostDevice,
  HostInfo,
  ParsedRequestOf,
  ResponseOf,
  ScopeFlags,
  SchedParam,
  VmInfo,
} from '../../shared';

export interface EngineApi {
  hostInfo(): Promise<HostInfo>;

  list(): Promise<VmInfo[]>;
  broken(): Promise<BrokenDefinition[]>;
  get(name: string): Promise<VmInfo>;
  define(input: ParsedRequestOf<'vm:define'>): Promise<VmInfo>;
  update(input: ParsedRequestOf<'vm:update'>): Promise<ResponseOf<'vm:update'>>;
  undefine(name: string): Promise<void>;

  start(name: string): Promise<VmInfo>;
  /** ACPI power button; a guest that ignores it stays running. */
  shutdown(name: string): Promise<VmInfo>;
  /** SIGTERM, then SIGKILL after a grace period. */
  destroy(name: string): Promise<VmInfo>;
  pause(name: string): Promise<VmInfo>;
  resume(name: string): Promise<VmInfo>;
  reboot(name: string): Promise<VmInfo>;
  attachDisk(name: string, disk: Disk, flags: ScopeFlags): Promise<VmInfo>;
  detachDisk(name: string, path: string, flags: ScopeFlags): Promise<VmInfo>;
  log(name: string, lines: number): Promise<string[]>;

  schedGet(name: string, flags: { live?: boolean; config?: boolean } | undefined): Promise<SchedParam[]>;
  schedSet(name: string, params: SchedParam[], flags: ScopeFlags): Promise<SchedParam[]>;

  hostDevices(): Promise<HostDevice[]>;
  devicesGet(name: string): Promise<AclEntry[]>;
  devicesSet(
    name: string,
    change: { extra?: string[] | undefined; omitDefaults?: string[] | undefined },
    flags: ScopeFlags,
  ): Promise<AclEntry[]>;

  createImage(fileName: string, format: 'raw' | 'qcow2', sizeMiB: number): Promise<{ path: string }>;

  /** Subscribes to engine events; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
  /** Stops watching and sampling; guests keep running (they outlive the manager). */
  close(): Promise<void>;
}
