// The engine: every privileged act, behind EngineApi. This file only assembles it — the channel modules (vms/*,
// consoles/, host-channels.ts) over one shared context — and runs what happens once per engine: reattaching to guests
// that outlived the previous one, removing leftover groups, autostart, the stats sampler, and closing.
import type { ChannelApi } from '../../shared';
import type { EngineApi } from './api';
import { consoleModule } from './consoles/consoles';
import { hostChannels } from './host-channels';
import { audit } from './vms/audit';
import type { EngineBase, EngineContext } from './vms/context';
import { definitionChannels, logPathIn } from './vms/definitions';
import { deviceChannels } from './vms/devices';
import { diskChannels } from './vms/disks';
import { EngineEvents } from './vms/events';
import { GuestTable } from './vms/guests';
import { History } from './vms/history';
import type { LifecycleContext } from './vms/lifecycle';
import { powerChannels } from './vms/power';
import { mediaChannels } from './vms/media';
import { KeyedQueue } from './vms/queue';
import { reconnect } from './vms/reconnect';
import type { RunningGuest } from './vms/running';
import { StatsSampler } from './vms/sampler';
import { schedChannels } from './vms/sched';

/** Observers for the bench and tests (no channel reaches them): they see, they do not steer. */
export interface EngineHooks {
  /** Runs with QEMU placed and stopped by -S, just before `cont` (tests assert confinement here; the bench times it). */
  beforeCont?: LifecycleContext['beforeCont'];
  /** Each guest the engine starts following, started or reattached (tests query its QMP; the bench reads its timings). */
  onGuest?: (guest: RunningGuest) => void;
}

export interface EngineParts extends EngineBase {
  statsIntervalMs?: number | undefined;
  hooks?: EngineHooks;
}

export interface Engine extends EngineApi {
  /** Reattaches to guests that outlived the previous engine, then starts the autostart ones; returns what it found. */
  init(options?: { autostart?: boolean }): Promise<string[]>;
}

export function assembleEngine(p: EngineParts): Engine {
  const { hooks, statsIntervalMs, ...base } = p;
  const events = new EngineEvents();
  const lifecycle: LifecycleContext = {
    cgroups: p.cgroups,
    runtime: p.runtime,
    qemuBinary: p.qemuBinary,
    logPath: logPathIn(p.configDir),
  };
  // The consoles follow every guest the table follows (the table calls this only once the engine is assembled).
  const guests = new GuestTable(p.store, events, lifecycle, (g) => {
    consoles.follow(g);
    hooks?.onGuest?.(g);
  });
  const history = new History();
  const ctx: EngineContext = { ...base, queue: new KeyedQueue(), guests, events, lifecycle, history };
  const consoles = consoleModule(ctx);
  // Before `cont`: the serial console connects first (no boot output lost), then the observers look.
  lifecycle.beforeCont = async (g) => {
    await consoles.prepare(g);
    await hooks?.beforeCont?.(g);
  };
  const sampler = new StatsSampler(
    () => guests.all().flatMap((r) => (r.group ? [r.group] : [])),
    (tick) => {
      history.addTick(tick);
      events.emit('stats:tick', tick);
    },
    statsIntervalMs,
  );
  const channels: ChannelApi = {
    ...hostChannels(ctx),
    ...definitionChannels(ctx),
    ...powerChannels(ctx),
    ...diskChannels(ctx),
    ...mediaChannels(ctx),
    ...consoles.channels,
    ...schedChannels(ctx),
    ...deviceChannels(ctx),
  };
  let closing: Promise<void> | null = null;

  return {
    ...channels,
    openConsole: (ticket) => consoles.openConsole(ticket),
    on: (event, listener) => events.on(event, listener),

    async init({ autostart = true } = {}) {
      const notes: string[] = [];
      const r = await reconnect(lifecycle, (uuid) => p.store.byUuid(uuid));
      notes.push(...r.notes);
      for (const g of r.guests) {
        guests.watch(g);
        audit(ctx, g.name, `reattached by a restarted engine (QEMU pid ${g.process.pid}, ${g.state})`);
      }
      // Empty groups of guests that are not running are leftovers (a crash of a previous engine mid-cleanup).
      if (p.cgroups.detection.writable) {
        for (const name of p.cgroups.guestGroups()) {
          if (guests.has(name)) continue;
          await p.cgroups
            .guest(name)
            .remove()
            .then(
              () => notes.push(`removed leftover group of '${name}'`),
              (e: Error) => notes.push(`left group of '${name}': ${e.message}`),
            );
        }
      }
      if (autostart) {
        for (const def of p.store.list().filter((d) => d.autostart && !guests.has(d.name))) {
          await channels.vmStart({ name: def.name }).then(
            () => notes.push(`autostarted '${def.name}'`),
            (e: Error) => notes.push(`autostart of '${def.name}' failed: ${e.message}`),
          );
        }
      }
      sampler.start();
      return notes;
    },

    // Guests keep running: only our connections to them end. The next engine reattaches.
    close() {
      closing ??= (async () => {
        sampler.stop();
        await ctx.queue.idle();
        consoles.close(); // viewers are told the engine stops; the guests keep running
        const released = guests.close(); // from here on an exit is the next engine's to clean up
        events.close();
        await released;
        p.runtime.releaseLock();
      })();
      return closing;
    },
  };
}
