// The page API (`window.cgvirt`) for component tests in jsdom: the real router over the fake engine, so the double
// validates every payload exactly as the engine's door does and cannot drift from the contract. It records every
// call as the page made it, and rejects as the real transports do (an ApiError with the engine's code and words).
// Consoles: the fake engine streams no bytes, so the double hands out console tickets itself (still through the router,
// which validates the request) and opens each as a ConsoleChannelStandIn the test drives (testing/console-channel-stand-in.ts).
import {
  ApiError,
  CgvirtError,
  CONSOLE_TICKET_TTL_MS,
  isLive,
  methodOf,
  operationInvalid,
  unwrapResult,
  type CgvirtApi,
  type Channel,
  type ConsoleChannel,
  type ConsoleKind,
  type ErrorCode,
  type EventName,
  type EventOf,
  type HostInfo,
  type RequestOf,
  type VmInfo,
} from '../shared';
import { createRouter } from '../electron/ipc/router';
import { ConsoleChannelStandIn } from './console-channel-stand-in';
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
  /** Every console stream the page opened, oldest first. */
  readonly consoles: ConsoleChannelStandIn[] = [];
  private readonly router;
  private readonly tickets = new Map<string, { name: string; kind: ConsoleKind }>();
  private ticketCount = 0;
  private ticketFault: CgvirtError | null = null;

  constructor(vms: VmInfo[]) {
    this.engine = createFakeEngine(vms);
    // The fake engine with one method of the double's own: console tickets, refused as the engine refuses them.
    const consoleTicket = async ({ name, kind }: RequestOf<'console:ticket'>) => {
      const fault = this.ticketFault;
      this.ticketFault = null;
      if (fault) throw fault;
      const vm = this.engine.vm(name);
      if (!isLive(vm.state)) throw operationInvalid(`guest '${name}' is ${vm.state}: its console opens while it runs`);
      if (kind === 'vnc' && !vm.definition.vnc) throw operationInvalid(`guest '${name}' has no display (vnc is off)`);
      const ticket = `ticket-${++this.ticketCount}`;
      this.tickets.set(ticket, { name, kind });
      return { ticket, expiresInMs: CONSOLE_TICKET_TTL_MS };
    };
    const engine = Object.assign(Object.create(this.engine) as FakeEngine, { consoleTicket });
    this.router = createRouter(engine, { logInternal: () => undefined });
  }

  /** The newest console stream the page opened (of `kind`, when given). */
  lastConsole(kind?: ConsoleKind): ConsoleChannelStandIn | undefined {
    return this.consoles.filter((c) => kind === undefined || c.kind === kind).at(-1);
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
    if (channel === 'console:ticket') this.ticketFault = new CgvirtError(code, message);
    else this.engine.throwOnce(methodOf(channel), new CgvirtError(code, message));
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
    openConsole: (ticket: string): ConsoleChannel => {
      const t = this.tickets.get(ticket);
      // A ticket works once, as the engine's do.
      if (!t) throw new ApiError('OPERATION_INVALID', `console ticket '${ticket}' is unknown, used or expired`);
      this.tickets.delete(ticket);
      const channel = new ConsoleChannelStandIn(ticket, t.name, t.kind);
      this.consoles.push(channel);
      return channel;
    },
  };
}
