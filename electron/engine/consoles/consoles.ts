// The consoles module of the engine: the `console:ticket` channel, `openConsole(ticket)`, and the per-guest serial
// hubs. engine.ts calls `prepare` just before a guest's `cont` (the hub connects while no guest instruction has run)
// and `follow` for every guest it follows (a reattached guest gets its hub there); a guest that stops ends its
// streams, its hub and its tickets.
import { hasProcess, isLive, operationFailed, operationInvalid, type ChannelApi, type ConsoleKind } from '../../../shared';
import { SERIAL_CHARDEV_ID } from '../qemu/hardware';
import type { QmpClient } from '../qemu/qmp';
import type { RuntimePaths } from '../qemu/runtime-files';
import { audit } from '../vms/audit';
import type { EngineContext } from '../vms/context';
import type { RunningGuest } from '../vms/running';
import { SerialHub } from './serial';
import { CLOSE_REASONS, type ConsoleStreamBase } from './stream';
import { TicketBook } from './tickets';
import { connectVnc, type VncStream } from './vnc';

const KIND_WORDS: Record<ConsoleKind, string> = { vnc: 'screen', serial: 'serial console' };

/** How long `prepare` waits for QEMU to take the hub's connection before letting the guest run anyway. */
const ACCEPT_WAIT_MS = 2000;

export interface ConsoleModule {
  channels: Pick<ChannelApi, 'consoleTicket'>;
  openConsole(ticket: string): Promise<ConsoleStreamBase>;
  /** Before `cont`: connects the guest's serial hub and waits until QEMU has accepted it. Never fails the start. */
  prepare(guest: { name: string; paths: RuntimePaths; qmp: QmpClient }): Promise<void>;
  /** A guest the engine follows (started, or reattached after a restart): it gets a hub if it has none yet. */
  follow(guest: RunningGuest): void;
  /** The engine closes: every stream ends; the guests are untouched. */
  close(): void;
}

/** Until QEMU's chardev reports the connection, a byte the guest writes would be dropped (no client yet). */
async function waitUntilAccepted(qmp: QmpClient): Promise<boolean> {
  const deadline = Date.now() + ACCEPT_WAIT_MS;
  while (Date.now() < deadline) {
    const list = await qmp.execute<{ label: string; filename: string }[]>('query-chardev');
    const serial = list.find((c) => c.label === SERIAL_CHARDEV_ID);
    if (serial && !serial.filename.startsWith('disconnected:')) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

export function consoleModule(ctx: EngineContext): ConsoleModule {
  const { guests } = ctx;
  const tickets = new TicketBook();
  const hubs = new Map<string, SerialHub>();
  const screens = new Map<string, Set<VncStream>>();
  let closed = false;
  const noteFor = (name: string) => (line: string) => audit(ctx, name, line);

  const stop = (name: string, reason: string) => {
    hubs.get(name)?.close(reason);
    hubs.delete(name);
    for (const s of screens.get(name) ?? []) s.end(reason);
    screens.delete(name);
    tickets.forget(name);
  };
  const offState = ctx.events.on('vm:state', ({ name, state }) => {
    if (!hasProcess(state)) stop(name, CLOSE_REASONS.guestStopped);
  });

  const newHub = (name: string, socketPath: string) => {
    hubs.get(name)?.close('the guest started again');
    const hub = new SerialHub(name, socketPath, noteFor(name));
    hubs.set(name, hub);
    return hub;
  };

  /** The running guest a console may be opened on, or OPERATION_INVALID saying why not. */
  const liveGuest = (name: string, kind: ConsoleKind): RunningGuest => {
    const def = guests.def(name);
    const r = guests.get(name);
    const state = guests.stateOf(name);
    if (!r || !isLive(r.state)) {
      const hint = state === 'shutoff' || state === 'crashed' ? '; start it first' : '; try again once it runs';
      throw operationInvalid(`cannot open the ${KIND_WORDS[kind]} of guest '${name}': it is ${state}${hint}`);
    }
    if (kind === 'vnc' && !r.paths.vncSocket) {
      throw operationInvalid(
        def.vnc
          ? `guest '${name}' has no screen yet: VNC was turned on after it started and takes effect at its next start`
          : `guest '${name}' has no screen: it runs without VNC (turn VNC on in its settings; it takes effect at the next start)`,
      );
    }
    if (kind === 'serial' && !hubs.has(name)) {
      throw operationInvalid(`guest '${name}' has no serial console: it was started by a cgvirt without serial consoles; restart it to get one`);
    }
    return r;
  };

  return {
    channels: {
      consoleTicket: async ({ name, kind }) => {
        if (closed) throw operationFailed('the cgvirt engine is stopping');
        liveGuest(name, kind);
        return tickets.issue({ name, kind });
      },
    },

    async openConsole(ticket) {
      if (closed) throw operationFailed('the cgvirt engine is stopping');
      const { name, kind } = tickets.take(ticket);
      const r = liveGuest(name, kind);
      if (kind === 'serial') return hubs.get(name)!.open();
      const stream = await connectVnc(name, r.paths.vncSocket!, r.process.exited);
      // The guest may have stopped while we connected: then its streams were already ended, this one too.
      if (guests.get(name) !== r || !hasProcess(r.state)) {
        stream.end(CLOSE_REASONS.guestStopped);
        throw operationInvalid(`cannot open the screen of guest '${name}': it stopped`);
      }
      let set = screens.get(name);
      if (!set) screens.set(name, (set = new Set()));
      const own = set;
      own.add(stream);
      stream.onClose(() => own.delete(stream));
      return stream;
    },

    async prepare({ name, paths, qmp }) {
      if (!paths.serialSocket || closed) return;
      const hub = newHub(name, paths.serialSocket);
      try {
        await hub.start();
        if (!(await waitUntilAccepted(qmp))) {
          noteFor(name)(`serial console: QEMU did not take the connection within ${ACCEPT_WAIT_MS / 1000} s; the first output may be missing`);
        }
      } catch (e) {
        // A console is not worth a failed start: the hub keeps trying, the log says what happened.
        noteFor(name)(`serial console: ${(e as Error).message}; trying again in the background`);
      }
    },

    follow(r) {
      if (closed || hubs.has(r.name) || !r.paths.serialSocket) return;
      const hub = newHub(r.name, r.paths.serialSocket);
      hub.start().catch((e: Error) => noteFor(r.name)(`serial console: ${e.message}; trying again in the background`));
    },

    close() {
      if (closed) return;
      closed = true;
      offState();
      for (const name of new Set([...hubs.keys(), ...screens.keys()])) stop(name, CLOSE_REASONS.engineClosing);
      tickets.clear();
    },
  };
}
