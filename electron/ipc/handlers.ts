// One handler per channel: the validated request in, the engine's answer out. Typed from the channel map, so a channel
// without a handler (or a handler answering the wrong shape) is a type error.
import { type Channel, type ParsedRequestOf, type ResponseOf, SCHEDULER_TYPE } from '../../shared';
import type { EngineApi } from '../engine/api';

export type Handler<C extends Channel> = (engine: EngineApi, request: ParsedRequestOf<C>) => Promise<ResponseOf<C>>;
export type Handlers = { [C in Channel]: Handler<C> };

export const handlers: Handlers = {
  'host:info': (engine) => engine.hostInfo(),
  'vm:list': (engine) => engine.list(),
  'vm:broken': (engine) => engine.broken(),
  'vm:get': (engine, { name }) => engine.get(name),
  'vm:define': (engine, input) => engine.define(input),
  'vm:update': (engine, input) => engine.update(input),
  'vm:undefine': async (engine, { name }) => {
    await engine.undefine(name);
    return { name };
  },
  'vm:start': (engine, { name }) => engine.start(name),
  'vm:shutdown': (engine, { name }) => engine.shutdown(name),
  'vm:destroy': (engine, { name }) => engine.destroy(name),
  'vm:pause': (engine, { name }) => engine.pause(name),
  'vm:resume': (engine, { name }) => engine.resume(name),
  'vm:reboot': (engine, { name }) => engine.reboot(name),
  'vm:attachDisk': (engine, { name, disk, flags }) => engine.attachDisk(name, disk, flags),
  'vm:detachDisk': (engine, { name, path, flags }) => engine.detachDisk(name, path, flags),
  'vm:log': async (engine, { name, lines }) => ({ lines: await engine.log(name, lines) }),
  // libvirt's GetSchedulerType: the type and how many parameters a get returns for this guest (so NO_DOMAIN and a host
  // without the cpu controller answer as they do for sched:get).
  'sched:getType': async (engine, { name }) => ({
    type: SCHEDULER_TYPE,
    nparams: (await engine.schedGet(name, undefined)).length,
  }),
  'sched:get': async (engine, { name, flags }) => ({ params: await engine.schedGet(name, flags) }),
  'sched:set': async (engine, { name, params, flags }) => ({ params: await engine.schedSet(name, params, flags) }),
  'devices:host': (engine) => engine.hostDevices(),
  'devices:get': (engine, { name }) => engine.devicesGet(name),
  'devices:set': (engine, { name, extra, omitDefaults, flags }) => engine.devicesSet(name, { extra, omitDefaults }, flags),
  'storage:create': (engine, { fileName, format, sizeMiB }) => engine.createImage(fileName, format, sizeMiB),
};
