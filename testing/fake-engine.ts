// A fake engine (in memory, no host) for router, transport and page tests only: the real engine is tested against real
// cgroups and QEMU in electron/engine/. It implements the same EngineApi (derived from the channel map), answers by
// the same guest-state rules (shared/guest-state.ts) with schema-valid values, records every call, and can be told to
// throw, so tests can check what the router, the transports and the page do around it. Nothing here touches the host,
// and nothing here needs Node: the page tests run it in jsdom.
import {
  ACTION_CHANNEL,
  canDo,
  CHANNEL_NAMES,
  DEFAULT_DEVICE_PATHS,
  EventListeners,
  GUEST_LIMITS,
  hasProcess,
  isLive,
  invalidArg,
  methodOf,
  noDomain,
  operationInvalid,
  PTY_MAJOR,
  refusal,
  TUN_DEVICE_NOTE,
  TUN_DEVICE_PATH,
  resolveScope,
  schedParamsOf,
  unsupported,
  withSchedParams,
  type AclEntry,
  type ChannelApi,
  type EventName,
  type EventOf,
  type GuestAction,
  type HostDevice,
  type HostInfo,
  type ScopeFlags,
  type VmInfo,
  type VmState,
} from '../shared';
import type { EngineApi } from '../electron/engine/api';
import { sampleHostInfo } from './fixtures';

export type EngineMethod = Exclude<keyof EngineApi, 'on'>;

export interface EngineCall {
  method: EngineMethod;
  /** The validated request, as the router passed it. */
  args: unknown[];
}

export interface FakeEngine extends EngineApi {
  readonly calls: EngineCall[];
  /** Makes every later call of `method` throw `error` (a plain Error, a CgvirtError, anything). */
  throwOn(method: EngineMethod, error: unknown): void;
  /** Makes only the next call of `method` throw `error`. */
  throwOnce(method: EngineMethod, error: unknown): void;
  /** Pushes an event as the real engine would. */
  emit<E extends EventName>(event: E, payload: EventOf<E>): void;
  listenerCount(): number;
  /** The guest as the fake holds it (NO_DOMAIN when there is none). */
  vm(name: string): VmInfo;
  /** What `vm:broken` answers. */
  broken: { file: string; reason: string }[];
  /** What `host:info` answers (a copy of the sample host until a test sets another). */
  host: HostInfo;
  readonly closed: boolean;
}

/** The device nodes of the sample host (what `devices:host` answers). */
export const sampleDevices: HostDevice[] = (
  [
    ['/dev/null', 'c', 1, 3, 'null device'],
    ['/dev/zero', 'c', 1, 5, 'zero source'],
    ['/dev/full', 'c', 1, 7, 'always-full device'],
    ['/dev/random', 'c', 1, 8, 'random numbers'],
    ['/dev/urandom', 'c', 1, 9, 'random numbers, non-blocking'],
    ['/dev/ptmx', 'c', 5, 2, 'pseudo-terminal multiplexer'],
    ['/dev/sdb', 'b', 8, 16, 'SCSI disk'],
    ['/dev/loop0', 'b', 7, 0, 'loop device'],
    ['/dev/net/tun', 'c', 10, 200, 'TUN/TAP network'],
    ['/dev/ttyS0', 'c', 4, 64, 'serial port'],
  ] as const
).map(([path, type, major, minor, description]) => ({ path, type, major, minor, description, usedBy: [] }));

const byPath = new Map(sampleDevices.map((d) => [d.path, d]));

/** The ACL the real engine would report: defaults present on the host, the PTYs, block-device disks, the TUN device of bridged NICs, extra nodes. */
function aclOf(vm: VmInfo): AclEntry[] {
  const live = isLive(vm.state);
  const entry = (path: string, source: AclEntry['source'], note?: string): AclEntry[] => {
    const h = byPath.get(path);
    return h ? [{ path, type: h.type, major: h.major, minor: h.minor, access: 'rw', source, live, config: true, ...(note ? { note } : {}) }] : [];
  };
  const d = vm.definition.devices;
  return [
    ...DEFAULT_DEVICE_PATHS.filter((p) => !d.omitDefaults.includes(p)).flatMap((p) => entry(p, 'default')),
    { type: 'c', major: PTY_MAJOR, minor: '*', access: 'rw', source: 'default', live, config: true, note: 'pseudo-terminals (serial consoles)' },
    ...vm.definition.disks.flatMap((disk) => entry(disk.path, 'disk')),
    ...(vm.definition.nics.some((n) => n.bridge !== undefined) ? entry(TUN_DEVICE_PATH, 'network', TUN_DEVICE_NOTE) : []),
    ...d.extra.flatMap((p) => entry(p, 'extra')),
  ];
}

export function createFakeEngine(initial: VmInfo[] = []): FakeEngine {
  const guests = new Map<string, VmInfo>(initial.map((v) => [v.definition.name, structuredClone(v)]));
  const faults = new Map<EngineMethod, { error: unknown; once: boolean }>();
  const listeners = new EventListeners((_event, e) => {
    throw e; // a test's listener that throws fails the test
  });
  const calls: EngineCall[] = [];
  let closed = false;
  let broken: FakeEngine['broken'] = [];
  let host: HostInfo = structuredClone(sampleHostInfo);

  const record = (method: EngineMethod, args: unknown[]) => {
    calls.push({ method, args });
    const fault = faults.get(method);
    if (fault?.once) faults.delete(method);
    if (fault) throw fault.error;
  };
  const find = (name: string) => {
    const vm = guests.get(name);
    if (!vm) throw noDomain(name);
    return vm;
  };
  const emit = <E extends EventName>(event: E, payload: EventOf<E>) => {
    listeners.emit(event, payload);
  };
  const copy = (vm: VmInfo) => structuredClone(vm);
  const setState = (vm: VmInfo, state: VmState) => {
    vm.state = state;
    if (!hasProcess(state)) {
      delete vm.pid;
      delete vm.cgroups;
    } else {
      vm.pid = 4242;
      vm.cgroups = { cpu: `/cgvirt-test/qemu/${vm.definition.name}` };
    }
    emit('vm:state', { name: vm.definition.name, state });
  };
  const allow = (vm: VmInfo, action: GuestAction) => {
    if (!canDo(action, vm.state)) throw operationInvalid(refusal(action, vm.definition.name, vm.state));
  };
  const running = (vm: VmInfo) => hasProcess(vm.state);
  /** The scope a change gets, refusing live on a guest without a process (as the engine does). */
  const scopeOf = (vm: VmInfo, flags: ScopeFlags, what: string) => {
    const s = resolveScope(flags, running(vm));
    if (s.live && !running(vm)) throw operationInvalid(`cannot ${what} of guest '${vm.definition.name}': it is shut off; use flags {config: true}`);
    return s;
  };
  const changed = (name: string) => emit('vm:changed', { name, info: guests.has(name) ? copy(find(name)) : null });

  /** A power action: refused unless the state rules allow it, then the state it leads to (null: unchanged). */
  const power =
    (action: Exclude<GuestAction, 'undefine'>, next: VmState | null) =>
    async ({ name }: { name: string }) => {
      record(methodOf(ACTION_CHANNEL[action]), [{ name }]);
      const vm = find(name);
      allow(vm, action);
      if (next) setState(vm, next);
      return copy(vm);
    };

  const extras: Omit<FakeEngine, keyof ChannelApi> = {
    calls,
    get broken() {
      return broken;
    },
    set broken(list) {
      broken = list;
    },
    get host() {
      return host;
    },
    set host(info) {
      host = info;
    },
    get closed() {
      return closed;
    },
    throwOn: (method, error) => void faults.set(method, { error, once: false }),
    throwOnce: (method, error) => void faults.set(method, { error, once: true }),
    emit,
    vm: find,
    listenerCount: () => listeners.count,
    on: (event, listener) => listeners.on(event, listener),
    // No guest streams bytes here: console transports are tested with a stream of their own (or the real engine).
    async openConsole(ticket) {
      record('openConsole', [ticket]);
      throw unsupported('the fake engine does not stream consoles');
    },
    async close() {
      record('close', []);
      closed = true;
    },
  };

  // A channel the fake does not model answers UNSUPPORTED (a new channel needs no entry here until a test wants one).
  const channels = {
    async hostInfo(req) {
      record('hostInfo', [req]);
      return structuredClone(host);
    },
    async vmList(req) {
      record('vmList', [req]);
      return [...guests.values()].map(copy);
    },
    async vmBroken(req) {
      record('vmBroken', [req]);
      return structuredClone(broken);
    },
    async vmGet(req) {
      record('vmGet', [req]);
      return copy(find(req.name));
    },
    async vmDefine(input) {
      record('vmDefine', [input]);
      if (guests.has(input.name)) throw operationInvalid(`guest '${input.name}' is already defined; change it with vm:update`);
      const vm: VmInfo = { definition: { ...input, uuid: input.uuid ?? crypto.randomUUID() }, state: 'shutoff' };
      guests.set(input.name, vm);
      changed(input.name);
      return copy(vm);
    },
    async vmCreate({ definition, newDisk }) {
      record('vmCreate', [{ definition, newDisk }]);
      if (guests.has(definition.name)) throw operationInvalid(`guest '${definition.name}' is already defined; change it with vm:update`);
      const disks = newDisk
        ? [...definition.disks, { path: `/var/lib/cgvirt/images/${newDisk.fileName}`, format: newDisk.format, readonly: false, bus: newDisk.bus }]
        : definition.disks;
      const vm: VmInfo = { definition: { ...definition, disks, uuid: definition.uuid ?? crypto.randomUUID() }, state: 'shutoff' };
      guests.set(definition.name, vm);
      changed(definition.name);
      return copy(vm);
    },
    async vmUpdate(input) {
      record('vmUpdate', [input]);
      const vm = find(input.name);
      vm.definition = { ...input, uuid: vm.definition.uuid };
      changed(input.name);
      return { info: copy(vm), live: [], nextStart: Object.keys(input) };
    },
    async vmUndefine(req) {
      record('vmUndefine', [req]);
      allow(find(req.name), 'undefine');
      const vm = find(req.name);
      guests.delete(req.name);
      changed(req.name);
      const own = vm.definition.disks.map((d) => d.path).filter((p) => p.startsWith(`${sampleHostInfo.imagesDir}/`));
      return { name: req.name, deletedImages: req.deleteImages ? own : [] };
    },
    vmStart: power('start', 'running'),
    // ACPI: the sample guests (boot sectors) ignore the power button, as the real ones do.
    vmShutdown: power('shutdown', null),
    vmDestroy: power('destroy', 'shutoff'),
    vmPause: power('pause', 'paused'),
    vmResume: power('resume', 'running'),
    vmReboot: power('reboot', null),
    async vmAttachDisk(req) {
      record('vmAttachDisk', [req]);
      const vm = find(req.name);
      scopeOf(vm, req.flags, 'attach a disk live');
      if (vm.definition.disks.some((d) => d.path === req.disk.path)) throw invalidArg(`disk '${req.disk.path}' is already attached`);
      if (vm.definition.disks.length >= GUEST_LIMITS.disks.max) throw invalidArg(`a guest has at most ${GUEST_LIMITS.disks.max} disks`);
      vm.definition.disks.push(req.disk);
      changed(req.name);
      return copy(vm);
    },
    async vmDetachDisk(req) {
      record('vmDetachDisk', [req]);
      const vm = find(req.name);
      scopeOf(vm, req.flags, 'detach a disk live');
      const before = vm.definition.disks.length;
      vm.definition.disks = vm.definition.disks.filter((d) => d.path !== req.path);
      if (vm.definition.disks.length === before) throw invalidArg(`guest '${req.name}' has no disk '${req.path}'`);
      changed(req.name);
      return copy(vm);
    },
    async vmLog(req) {
      record('vmLog', [req]);
      find(req.name);
      return { lines: [`${req.name}: started`].slice(0, req.lines) };
    },
    async schedGetType(req) {
      record('schedGetType', [req]);
      return { type: 'posix', nparams: schedParamsOf(find(req.name).definition.cpu).length };
    },
    async schedGet(req) {
      record('schedGet', [req]);
      const vm = find(req.name);
      if (req.flags?.live && !running(vm)) throw operationInvalid(`cannot read live parameters of guest '${req.name}': it is shut off`);
      return { params: schedParamsOf(vm.definition.cpu) };
    },
    async schedSet(req) {
      record('schedSet', [req]);
      const vm = find(req.name);
      scopeOf(vm, req.flags, 'set live parameters');
      vm.definition.cpu = withSchedParams(vm.definition.cpu, req.params);
      return { params: schedParamsOf(vm.definition.cpu) };
    },
    async devicesHost(req) {
      record('devicesHost', [req]);
      return structuredClone(sampleDevices);
    },
    async devicesGet(req) {
      record('devicesGet', [req]);
      return aclOf(find(req.name));
    },
    async devicesSet(req) {
      record('devicesSet', [req]);
      const vm = find(req.name);
      scopeOf(vm, req.flags, 'change the live device ACL');
      if (req.extra) vm.definition.devices.extra = req.extra;
      if (req.omitDefaults) vm.definition.devices.omitDefaults = req.omitDefaults;
      changed(req.name);
      return aclOf(vm);
    },
    async storageCreate(req) {
      record('storageCreate', [req]);
      return { path: `/var/lib/cgvirt/images/${req.fileName}` };
    },
  } satisfies Partial<ChannelApi>;

  const engine: Record<string, unknown> = Object.defineProperties({ ...channels }, Object.getOwnPropertyDescriptors(extras));
  for (const channel of CHANNEL_NAMES) {
    const method = methodOf(channel);
    engine[method] ??= async (req: unknown) => {
      record(method, [req]);
      throw unsupported(`the fake engine does not implement '${channel}'`);
    };
  }
  return engine as unknown as FakeEngine;
}
