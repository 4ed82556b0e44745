// Power actions on a guest: start (confined from its first instruction, see lifecycle.ts), the ACPI button, force
// off, pause, resume, reset. Which state allows which action is shared/guest-state.ts's to say.
import { operationFailed, type ChannelApi } from '../../../shared';
import { audit } from './audit';
import type { EngineContext } from './context';
import { startGuest } from './lifecycle';
import type { RunningGuest } from './running';

export function powerChannels(ctx: EngineContext) {
  const { guests, queue } = ctx;
  const infoOf = (name: string) => guests.info(guests.def(name));

  /** SIGTERM, then SIGKILL once the grace period is over; resolves when the exit has been cleaned up. */
  const forceOff = async (r: RunningGuest) => {
    r.expectedExit = 'destroy';
    guests.moveTo(r, 'stopping');
    await r.process.kill('SIGTERM');
    const graceOver = Symbol('grace');
    let timer: NodeJS.Timeout | undefined;
    const first = await Promise.race([r.cleanedUp, new Promise<symbol>((resolve) => (timer = setTimeout(() => resolve(graceOver), ctx.destroyGraceMs)))]);
    clearTimeout(timer);
    if (first === graceOver) await r.process.kill('SIGKILL');
    await r.cleanedUp;
  };

  return {
    vmStart: ({ name }) =>
      queue.run(name, async () => {
        const def = guests.def(name);
        guests.check(name, 'start');
        const signal = guests.beginStart(name);
        let r: RunningGuest;
        try {
          r = await startGuest(ctx.lifecycle, def, signal);
        } catch (e) {
          if (!signal.aborted) {
            guests.endStart(name, (e as Error).message);
            throw e;
          }
          guests.endStart(name, 'forced off while starting');
          throw operationFailed(`start of '${name}' was stopped: the guest was forced off while it started`);
        }
        guests.watch(r);
        guests.endStart(name);
        guests.setState(name, 'running');
        return guests.info(def);
      }),

    /** ACPI power button; a guest that ignores it stays running. */
    vmShutdown: ({ name }) =>
      queue.run(name, async () => {
        const r = guests.require(name, 'shutdown');
        await r.qmp.execute('system_powerdown');
        audit(ctx, name, 'ACPI power button pressed (shutdown requested)');
        return infoOf(name);
      }),

    vmDestroy: async ({ name }) => {
      guests.def(name);
      guests.check(name, 'destroy');
      // A start in progress holds the guest's queue, maybe for good (a QEMU that hangs before QMP answers): force
      // off does not wait in line, it aborts the start, which kills that QEMU and undoes what it made.
      const start = guests.startInProgress(name);
      if (start) {
        await start.abort();
        return infoOf(name);
      }
      return queue.run(name, async () => {
        await forceOff(guests.require(name, 'destroy'));
        return infoOf(name);
      });
    },

    vmPause: ({ name }) =>
      queue.run(name, async () => {
        const r = guests.require(name, 'pause');
        await r.qmp.execute('stop');
        guests.moveTo(r, 'paused');
        audit(ctx, name, 'paused');
        return infoOf(name);
      }),

    vmResume: ({ name }) =>
      queue.run(name, async () => {
        const r = guests.require(name, 'resume');
        await r.qmp.execute('cont');
        guests.moveTo(r, 'running');
        audit(ctx, name, 'resumed');
        return infoOf(name);
      }),

    vmReboot: ({ name }) =>
      queue.run(name, async () => {
        const r = guests.require(name, 'reboot');
        await r.qmp.execute('system_reset');
        audit(ctx, name, 'reset (reboot)');
        return infoOf(name);
      }),
  } satisfies Partial<ChannelApi>;
}
