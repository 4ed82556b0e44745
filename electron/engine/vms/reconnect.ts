// After an engine restart: reattach to each guest whose QEMU still runs (same pid, same start time, its uuid in the
// command line; it keeps its taps), find its group from /proc/<pid>/cgroup, and clean up after the ones that ended
// while no engine watched (group, runtime files, taps).
import type { Definition } from '../../../shared';
import { readProcCmdline, readProcStat } from '../qemu/proc';
import { QmpClient } from '../qemu/qmp';
import { removeRuntimeFiles } from '../qemu/runtime-files';
import { planAcl } from './acl';
import { deleteTaps, type LifecycleContext } from './lifecycle';
import { reattachedProcess, RunningGuest } from './running';
import type { RuntimeStatus } from './runtime';

export interface ReconnectResult {
  guests: RunningGuest[];
  /** One line per status file that was stale or unusable, and what was done about it. */
  notes: string[];
}

async function stillThatQemu(s: RuntimeStatus): Promise<boolean> {
  const st = await readProcStat(s.pid);
  if (!st || st.startTime !== s.startTime || st.state === 'Z') return false;
  const argv = (await readProcCmdline(s.pid)) ?? [];
  const i = argv.indexOf('-uuid');
  return i >= 0 && argv[i + 1] === s.uuid;
}

export async function reconnect(ctx: LifecycleContext, definitionOf: (uuid: string) => Definition | undefined): Promise<ReconnectResult> {
  const notes: string[] = [];
  const guests: RunningGuest[] = [];
  const { statuses, unreadable } = ctx.runtime.readStatuses();
  for (const file of unreadable) {
    ctx.runtime.removeFile(file);
    notes.push(`removed unreadable status file ${file}`);
  }
  for (const s of statuses) {
    const def = definitionOf(s.uuid);
    const paths = {
      qmpSocket: s.qmpSocket,
      pidfile: s.pidfile,
      ...(s.vncSocket ? { vncSocket: s.vncSocket } : {}),
      ...(s.serialSocket ? { serialSocket: s.serialSocket } : {}),
    };
    if (await stillThatQemu(s)) {
      if (!def) {
        // A QEMU we started but whose definition is gone: not ours to kill or to hide; leave it and say so.
        notes.push(`guest '${s.name}' (pid ${s.pid}) still runs but has no definition any more; left untouched`);
        continue;
      }
      try {
        const qmp = await QmpClient.connect(s.qmpSocket, { timeoutMs: 5000 });
        const owner = ctx.cgroups.guestOfPid(s.pid);
        const group = owner === def.name ? ctx.cgroups.guest(def.name) : null;
        if (!group && ctx.cgroups.detection.writable) notes.push(`guest '${def.name}' (pid ${s.pid}) is not in its cgroup any more`);
        const status = await qmp.execute<{ status: string }>('query-status');
        const acl = group && ctx.cgroups.detection.controllers.devices.usable ? planAcl(def) : null;
        const g = new RunningGuest(s, reattachedProcess(s.pid, s.startTime, qmp), qmp, group, def, acl, null);
        g.state = status.status === 'paused' ? 'paused' : 'running';
        guests.push(g);
        notes.push(`reattached to guest '${def.name}' (pid ${s.pid})`);
        continue;
      } catch (e) {
        notes.push(`guest '${s.name}' (pid ${s.pid}) runs but its QMP socket does not answer (${(e as Error).message}); left untouched`);
        continue;
      }
    }
    // The QEMU is gone: clean what it left (its taps are named in the status file: the definition may have changed).
    await removeRuntimeFiles(paths).catch(() => undefined);
    notes.push(...(await deleteTaps(s.taps ?? [])));
    ctx.runtime.removeStatus(s.uuid);
    if (def) {
      const group = ctx.cgroups.guest(def.name);
      if (ctx.cgroups.detection.writable && group.exists()) await group.remove().catch((e: Error) => notes.push(e.message));
    }
    notes.push(`guest '${s.name}' ended while no engine watched it; cleaned its runtime files${s.taps?.length ? ', taps' : ''} and group`);
  }
  return { guests, notes };
}
