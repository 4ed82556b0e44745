// A fake engine (in memory, no host) for router, transport and page tests only (the real engine is tested against real cgroups and
// QEMU in electron/engine/). It keeps guests in memory, answers with schema-valid values, records every call, and can be
// told to throw, so the tests can check what the router does around it. Nothing here touches the host.
import { randomUUID } from 'node:crypto';
import {
  type AclEntry,
  CPU_SHARES,
  DEFAULT_DEVICE_PATHS,
  type EventName,
  type EventOf,
  type HostDevice,
  type HostInfo,
  noDomain,
  operationInvalid,
  invalidArg,
  type SchedParam,
  type VmInfo,
} from '../shared';
import type { EngineApi } from '../electron/engine/api';
import { sampleHostInfo } from './fixtures';

export interface EngineCall {
  method: keyof EngineApi;
  args: unknown[];
}

export interface FakeEngine extends EngineApi {
  readonly calls: EngineCall[];
  /** Makes every later call of `method` throw `error` (a plain Error, a CgvirtError, anything). */
  throwOn(method: keyof EngineApi, error: unknown): void;
  /** Pushes an event as the real engine would. */
  emit<E extends EventName>(event: E, payload: EventOf<E>): void;
  listenerCount(): number;
  readonly closed: boolean;
}

const HOST: HostInfo = sampleHostInfo;

const HOST_DEVICES: HostDevice[] = [
  { path: '/dev/null', type: 'c', major: 1, minor: 3, description: 'null device', usedBy: [] },
  { path: '/dev/urandom', type: 'c', major: 1, minor: 9, description: 'random numbers', usedBy: [] },
  { path: '/dev/loop0', type: 'b', major: 7, minor: 0, description: 'loop device', usedBy: [] },
];

export function createFakeEngine(): FakeEngine {
  const guests = new Map<string, VmInfo>();
  const faults = new Map<keyof EngineApi, unknown>();
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const calls: EngineCall[] = [];
  let closed = false;

  const record = (method: keyof EngineApi, args: unknown[]) => {
    calls.push({ method, args });
    if (faults.has(method)) throw faults.get(method);
  };
  const find = (name: string) => {
    const vm = guests.get(name);
    if (!vm) throw noDomain(name);
    return vm;
  };
  const emit = <E extends EventName>(event: E, payload: EventOf<E>) => {
    for (const l of listeners.get(event) ?? []) (l as (p: EventOf<E>) => void)(payload);
  };
  const setState = (vm: VmInfo, state: VmInfo['state']) => {
    vm.state = state;
    if (state === 'shutoff') {
      delete vm.pid;
      delete vm.cgroups;
    } else {
      vm.pid = 4242;
      vm.cgroups = { cpu: `/cgvirt-test/qemu/${vm.definition.name}` };
    }
    emit('vm:state', { name: vm.definition.name, state });
    return structuredClone(vm);
  };
  const needState = (vm: VmInfo, allowed: VmInfo['state'][], what: string) => {
    if (!allowed.includes(vm.state)) throw operationInvalid(`cannot ${what} guest '${vm.definition.name}': it is ${vm.state}`);
  };
  const liveNeedsRunning = (vm: VmInfo, flags: { live?: boolean | undefined } | undefined) => {
    if (flags?.live && vm.state === 'shutoff') throw operationInvalid(`guest '${vm.definition.name}' is not running: live changes need a running guest`);
  };
  const acl = (vm: VmInfo): AclEntry[] => {
    const live = vm.state !== 'shutoff';
    const defaults = DEFAULT_DEVICE_PATHS.filter((p) => !vm.definition.devices.omitDefaults.includes(p)).map(
      (path, i): AclEntry => ({ path, type: 'c', major: 1, minor: i + 3, access: 'rw', source: 'default', live, config: true }),
    );
    const extra = vm.definition.devices.extra.map(
      (path, i): AclEntry => ({ path, type: 'c', major: 10, minor: i, access: 'rw', source: 'extra', live, config: true }),
    );
    return [...defaults, ...extra];
  };
  const shares = (vm: VmInfo): SchedParam[] => [
    { field: 'cpu_shares', type: 'ullong', value: vm.definition.cpu.shares ?? CPU_SHARES.default },
  ];

  const engine: FakeEngine = {
    calls,
    get closed() {
      return closed;
    },
    throwOn: (method, error) => void faults.set(method, error),
    emit,
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),

    async hostInfo() {
      record('hostInfo', []);
      return structuredClone(HOST);
    },
    async list() {
      record('list', []);
      return [...guests.values()].map((v) => structuredClone(v));
    },
    async broken() {
      record('broken', []);
      return [];
    },
    async get(name) {
      record('get', [name]);
      return structuredClone(find(name));
    },
    async define(input) {
      record('define', [input]);
      if (guests.has(input.name)) throw operationInvalid(`guest '${input.name}' already exists`);
      const vm: VmInfo = { definition: { ...input, uuid: input.uuid ?? randomUUID() }, state: 'shutoff' };
      guests.set(input.name, vm);
      emit('vm:changed', { name: input.name, info: structuredClone(vm) });
      return structuredClone(vm);
    },
    async update(input) {
      record('update', [input]);
      const vm = find(input.name);
      vm.definition = { ...input, uuid: vm.definition.uuid };
      return { info: structuredClone(vm), live: [], nextStart: Object.keys(input) };
    },
    async undefine(name) {
      record('undefine', [name]);
      needState(find(name), ['shutoff', 'crashed'], 'undefine');
      guests.delete(name);
      emit('vm:changed', { name, info: null });
    },
    async start(name) {
      record('start', [name]);
      const vm = find(name);
      needState(vm, ['shutoff', 'crashed'], 'start');
      return setState(vm, 'running');
    },
    async shutdown(name) {
      record('shutdown', [name]);
      const vm = find(name);
      needState(vm, ['running'], 'shut down');
      return setState(vm, 'shutoff');
    },
    async destroy(name) {
      record('destroy', [name]);
      const vm = find(name);
      needState(vm, ['running', 'paused', 'starting', 'stopping'], 'destroy');
      return setState(vm, 'shutoff');
    },
    async pause(name) {
      record('pause', [name]);
      const vm = find(name);
      needState(vm, ['running'], 'pause');
      return setState(vm, 'paused');
    },
    async resume(name) {
      record('resume', [name]);
      const vm = find(name);
      needState(vm, ['paused'], 'resume');
      return setState(vm, 'running');
    },
    async reboot(name) {
      record('reboot', [name]);
      const vm = find(name);
      needState(vm, ['running'], 'reboot');
      return structuredClone(vm);
    },
    async attachDisk(name, disk, flags) {
      record('attachDisk', [name, disk, flags]);
      const vm = find(name);
      liveNeedsRunning(vm, flags);
      if (vm.definition.disks.some((d) => d.path === disk.path)) throw invalidArg(`disk '${disk.path}' is already attached`);
      if (vm.definition.disks.length >= 16) throw invalidArg('a guest has at most 16 disks');
      vm.definition.disks.push(disk);
      return structuredClone(vm);
    },
    async detachDisk(name, path, flags) {
      record('detachDisk', [name, path, flags]);
      const vm = find(name);
      liveNeedsRunning(vm, flags);
      const before = vm.definition.disks.length;
      vm.definition.disks = vm.definition.disks.filter((d) => d.path !== path);
      if (vm.definition.disks.length === before) throw invalidArg(`guest '${name}' has no disk '${path}'`);
      return structuredClone(vm);
    },
    async log(name, lines) {
      record('log', [name, lines]);
      find(name);
      return Array.from({ length: Math.min(lines, 3) }, (_, i) => `log line ${i + 1}`);
    },
    async schedGet(name, flags) {
      record('schedGet', [name, flags]);
      const vm = find(name);
      liveNeedsRunning(vm, flags);
      return shares(vm);
    },
    async schedSet(name, params, flags) {
      record('schedSet', [name, params, flags]);
      const vm = find(name);
      liveNeedsRunning(vm, flags);
      for (const p of params) if (p.field === 'cpu_shares') vm.definition.cpu.shares = p.value;
      return shares(vm);
    },
    async hostDevices() {
      record('hostDevices', []);
      return structuredClone(HOST_DEVICES);
    },
    async devicesGet(name) {
      record('devicesGet', [name]);
      return acl(find(name));
    },
    async devicesSet(name, change, flags) {
      record('devicesSet', [name, change, flags]);
      const vm = find(name);
      liveNeedsRunning(vm, flags);
      if (change.extra) vm.definition.devices.extra = change.extra;
      if (change.omitDefaults) vm.definition.devices.omitDefaults = change.omitDefaults as typeof vm.definition.devices.omitDefaults;
      return acl(vm);
    },
    async createImage(fileName, format, sizeMiB) {
      record('createImage', [fileName, format, sizeMiB]);
      return { path: `/var/lib/cgvirt/images/${fileName}` };
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: never) => void);
      return () => void set.delete(listener as (payload: never) => void);
    },
    async close() {
      record('close', []);
      closed = true;
    },
  };
  return engine;
}
