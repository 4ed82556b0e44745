// An in-memory stand-in for the engine behind `window.cgvirt`, for component tests in jsdom only (the real engine is
// driven by the e2e specs). It validates every payload with the contract's own request schemas, as the router does,
// so a test fails if the UI sends something the real engine would refuse; and it records every call.
import {
  ApiError,
  CPU_SHARES,
  DEFAULT_DEVICE_PATHS,
  PTY_MAJOR,
  channels,
  type AclEntry,
  type CgvirtApi,
  type Channel,
  type ErrorCode,
  type EventName,
  type EventOf,
  type HostDevice,
  type HostInfo,
  type ParsedRequestOf,
  type VmInfo,
  type VmState,
} from '../shared';
import { sampleHostInfo } from './fixtures';

export interface Call {
  channel: Channel;
  payload: unknown;
}

export const testHost: HostInfo = sampleHostInfo;

export const testDevices: HostDevice[] = [
  ['/dev/null', 'c', 1, 3, 'null device'],
  ['/dev/zero', 'c', 1, 5, 'zero source'],
  ['/dev/full', 'c', 1, 7, 'always-full device'],
  ['/dev/random', 'c', 1, 8, 'random numbers'],
  ['/dev/urandom', 'c', 1, 9, 'random numbers, non-blocking'],
  ['/dev/ptmx', 'c', 5, 2, 'pseudo-terminal multiplexer'],
  ['/dev/sdb', 'b', 8, 16, 'SCSI disk'],
  ['/dev/net/tun', 'c', 10, 200, 'TUN/TAP network'],
  ['/dev/ttyS0', 'c', 4, 64, 'serial port'],
].map(([path, type, major, minor, description]) => ({
  path: path as string,
  type: type as 'c' | 'b',
  major: major as number,
  minor: minor as number,
  description: description as string,
  usedBy: [],
}));

export function guest(name: string, state: VmState, over: { shares?: number; disks?: string[] } = {}): VmInfo {
  return {
    definition: {
      name,
      uuid: '6a4c1e0e-1f5a-4d3b-9c7e-0b1a2c3d4e5f',
      memoryMiB: 64,
      vcpus: 1,
      disks: (over.disks ?? []).map((path) => ({ path, format: 'raw', readonly: false, bus: 'virtio' })),
      cpu: over.shares === undefined ? {} : { shares: over.shares },
      devices: { extra: [], omitDefaults: [] },
      autostart: false,
      vnc: false,
    },
    state,
  };
}

export class EngineDouble {
  readonly calls: Call[] = [];
  private readonly vms = new Map<string, VmInfo>();
  private readonly listeners = new Map<EventName, Set<(p: unknown) => void>>();
  /** What `vm:broken` answers. */
  broken: { file: string; reason: string }[] = [];
  private failures = new Map<Channel, { code: ErrorCode; message: string }>();

  constructor(vms: VmInfo[]) {
    for (const v of vms) this.vms.set(v.definition.name, structuredClone(v));
  }

  /** The next call on `channel` fails with this error. */
  failNext(channel: Channel, code: ErrorCode, message: string) {
    this.failures.set(channel, { code, message });
  }

  callsTo(channel: Channel): unknown[] {
    return this.calls.filter((c) => c.channel === channel).map((c) => c.payload);
  }

  emit<E extends EventName>(event: E, payload: EventOf<E>) {
    for (const l of this.listeners.get(event) ?? []) l(payload);
  }

  vm(name: string): VmInfo {
    const v = this.vms.get(name);
    if (!v) throw new ApiError('NO_DOMAIN', `no guest named '${name}'`);
    return v;
  }

  readonly api: CgvirtApi = {
    invoke: (async (channel: Channel, payload: unknown) => {
      this.calls.push({ channel, payload });
      const failure = this.failures.get(channel);
      if (failure) {
        this.failures.delete(channel);
        throw new ApiError(failure.code, failure.message);
      }
      const parsed = channels[channel].request.safeParse(payload);
      if (!parsed.success) throw new ApiError('INVALID_ARG', parsed.error.issues[0]?.message ?? 'invalid');
      return structuredClone(this.handle(channel, parsed.data));
    }) as CgvirtApi['invoke'],
    on: ((event: EventName, listener: (p: unknown) => void) => {
      let set = this.listeners.get(event);
      if (!set) this.listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    }) as CgvirtApi['on'],
  };

  private acl(v: VmInfo): AclEntry[] {
    const live = v.state === 'running' || v.state === 'paused';
    const d = v.definition.devices;
    const byPath = new Map(testDevices.map((h) => [h.path, h]));
    const entry = (path: string, source: AclEntry['source']): AclEntry[] => {
      const h = byPath.get(path);
      return h ? [{ path, type: h.type, major: h.major, minor: h.minor, access: 'rw', source, live, config: true }] : [];
    };
    return [
      ...DEFAULT_DEVICE_PATHS.filter((p) => !d.omitDefaults.includes(p)).flatMap((p) => entry(p, 'default')),
      { type: 'c', major: PTY_MAJOR, minor: '*', access: 'rw', source: 'default', live, config: true },
      ...v.definition.disks.flatMap((disk) => entry(disk.path, 'disk')),
      ...d.extra.flatMap((p) => entry(p, 'extra')),
    ];
  }

  private transition(name: string, state: VmState): VmInfo {
    const v = this.vm(name);
    v.state = state;
    this.emit('vm:state', { name, state });
    return v;
  }

  private handle(channel: Channel, req: unknown): unknown {
    switch (channel) {
      case 'host:info':
        return testHost;
      case 'vm:list':
        return [...this.vms.values()];
      case 'vm:broken':
        return this.broken;
      case 'vm:get':
        return this.vm((req as { name: string }).name);
      case 'vm:log':
        return { lines: [`${(req as { name: string }).name}: started`] };
      case 'sched:get': {
        const cpu = this.vm((req as { name: string }).name).definition.cpu;
        return {
          params: [
            { field: 'cpu_shares', type: 'ullong', value: cpu.shares ?? CPU_SHARES.default },
            { field: 'cpu_period', type: 'ullong', value: cpu.periodUs ?? 100000 },
            { field: 'cpu_quota', type: 'llong', value: cpu.quotaUs ?? -1 },
          ],
        };
      }
      case 'sched:set': {
        const r = req as ParsedRequestOf<'sched:set'>;
        const v = this.vm(r.name);
        if (r.flags?.live && v.state !== 'running' && v.state !== 'paused') {
          throw new ApiError('OPERATION_INVALID', `guest '${r.name}' is not running; live changes need a running guest`);
        }
        for (const p of r.params) {
          if (p.field === 'cpu_shares') v.definition.cpu.shares = p.value;
          if (p.field === 'cpu_quota') v.definition.cpu.quotaUs = p.value === -1 ? undefined : p.value;
          if (p.field === 'cpu_period') v.definition.cpu.periodUs = p.value;
        }
        return { params: r.params };
      }
      case 'devices:host':
        return testDevices;
      case 'devices:get':
        return this.acl(this.vm((req as { name: string }).name));
      case 'devices:set': {
        const r = req as ParsedRequestOf<'devices:set'>;
        const v = this.vm(r.name);
        if (r.extra) v.definition.devices.extra = r.extra;
        if (r.omitDefaults) v.definition.devices.omitDefaults = r.omitDefaults;
        return this.acl(v);
      }
      case 'storage:create':
        return { path: `/var/lib/cgvirt/images/${(req as { fileName: string }).fileName}` };
      case 'vm:define': {
        const d = req as ParsedRequestOf<'vm:define'>;
        if (this.vms.has(d.name)) throw new ApiError('OPERATION_INVALID', `a guest named '${d.name}' already exists`);
        const info: VmInfo = { definition: { ...d, uuid: d.uuid ?? '0f8fad5b-d9cb-469f-a165-70867728950e' }, state: 'shutoff' };
        this.vms.set(d.name, info);
        return info;
      }
      case 'vm:undefine': {
        const name = (req as { name: string }).name;
        const v = this.vm(name);
        if (v.state !== 'shutoff' && v.state !== 'crashed') throw new ApiError('OPERATION_INVALID', `guest '${name}' is ${v.state}; shut it down first`);
        this.vms.delete(name);
        return { name };
      }
      case 'vm:start':
      case 'vm:resume':
        return this.transition((req as { name: string }).name, 'running');
      case 'vm:pause':
        return this.transition((req as { name: string }).name, 'paused');
      case 'vm:destroy':
        return this.transition((req as { name: string }).name, 'shutoff');
      case 'vm:shutdown':
        // A guest without ACPI (the spin boot sector) ignores the request.
        return this.vm((req as { name: string }).name);
      default:
        throw new ApiError('UNSUPPORTED', `the engine double does not implement '${channel}'`);
    }
  }
}
