// The page API (`window.cgvirt`) for component tests in jsdom: the real router over the fake engine, so the double
// validates every payload exactly as the engine's door does and cannot drift from the contract. It records every
// call as the page made it, and rejects as the real transports do (an ApiError with the engine's code and words).
import {
  ApiError,
  CgvirtError,
  methodOf,
  unwrapResult,
  type CgvirtApi,
  type Channel,
  type ErrorCode,
  type EventName,
  type EventOf,
  type HostInfo,
  type VmInfo,
} from '../shared';
import { createRouter } from '../electron/ipc/router';
import { createFakeEngine, sampleDevices, type FakeEngine } from './fake-engine';
import { sampleHostInfo } from './fixtures';

export interface Call {
  channel: Channel;
  payload: unknown;
}

export const testHost: HostInfo = sampleHostInfo;
export const testDevices = sampleDevices;

export class EngineDouble {
  readonly calls: Call[] = [];
  readonly engine: FakeEngine;
  private readonly router;

  constructor(vms: VmInfo[]) {
    this.engine = createFakeEngine(vms);
    this.router = createRouter(this.engine, { logInternal: () => undefined });
  }

  /** What `vm:broken` answers. */
  get broken(): { file: string; reason: string }[] {
    return this.engine.broken;
  }
  set broken(list: { file: string; reason: string }[]) {
    this.engine.broken = list;
  }

  /** The next call on `channel` fails with this error. */
  failNext(channel: Channel, code: ErrorCode, message: string) {
    this.engine.throwOnce(methodOf(channel), new CgvirtError(code, message));
  }

  callsTo(channel: Channel): unknown[] {
    return this.calls.filter((c) => c.channel === channel).map((c) => c.payload);
  }

  emit<E extends EventName>(event: E, payload: EventOf<E>) {
    this.engine.emit(event, payload);
  }

  vm(name: string): VmInfo {
    try {
      return this.engine.vm(name);
    } catch {
      throw new ApiError('NO_DOMAIN', `no guest named '${name}'`);
    }
  }

  readonly api: CgvirtApi = {
    invoke: async (channel: Channel, payload: unknown) => {
      this.calls.push({ channel, payload: structuredClone(payload) });
      // Through a structured clone, as IPC and JSON carry it: the page never shares objects with the engine.
      return unwrapResult(await this.router.handle(channel, structuredClone(payload)));
    },
    on: ((event: EventName, listener: (p: unknown) => void) => this.engine.on(event, listener)) as CgvirtApi['on'],
  };
}
