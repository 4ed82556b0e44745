// Guest definitions: list, read, define, change (live where the guest runs), delete, and the guest's log.
import { randomUUID } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CgvirtError, CPU_SHARES, operationInvalid, quoteName, type ChannelApi, type Definition, type ParsedRequestOf } from '../../../shared';
import { checkCpuset } from '../cgroup/cpulist';
import { disksProblem } from '../qemu/disk';
import { createImage } from '../qemu/img';
import { readLogTail } from '../qemu/log';
import { checkExtraDevices } from './acl';
import type { EngineContext } from './context';
import { audit } from './audit';
import { deleteOwnImages, imagesDirOf } from './images';
import { applyLive } from './live';
import { definitionFileName } from './store';
import { changedFields, LIVE_FIELDS } from './tunables';

/**
 * What a disk path must be, checked when a definition names it (not only when QEMU opens it at start): an existing
 * regular file or block device the engine can read (and write, unless the disk is read-only).
 */
function diskPathProblem(disk: Definition['disks'][number], index: number): string | null {
  const at = `disks[${index}].path '${quoteName(disk.path)}'`;
  let st;
  try {
    st = statSync(disk.path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${at} does not exist` : `${at} cannot be read (${code ?? (e as Error).message})`;
  }
  if (!st.isFile() && !st.isBlockDevice()) {
    const what = st.isDirectory() ? 'a directory' : 'neither a file nor a block device';
    return `${at} is ${what}: a disk is an image file or a block device`;
  }
  try {
    accessSync(disk.path, disk.readonly ? constants.R_OK : constants.R_OK | constants.W_OK);
  } catch {
    return `${at} cannot be ${disk.readonly ? 'read' : 'read and written'} by cgvirt${disk.readonly ? '' : ' (mark the disk read-only if that is meant)'}`;
  }
  return null;
}

/** Checks what only this host can tell: disk paths and buses, extra nodes present, CPUs that exist. */
export function checkOnHost(ctx: EngineContext, def: Definition): void {
  const problem = def.disks.map(diskPathProblem).find((p) => p !== null) ?? disksProblem(def.disks);
  if (problem) throw new CgvirtError('INVALID_ARG', problem);
  checkExtraDevices(def.devices.extra);
  if (def.cpu.cpuset && ctx.cgroups.detection.controllers.cpuset.usable) {
    def.cpu.cpuset = checkCpuset(def.cpu.cpuset, ctx.cgroups.availableCpus());
  }
}

const pick = <T extends object>(o: T, keys: readonly string[]): Partial<T> => Object.fromEntries(keys.map((k) => [k, o[k as keyof T]])) as Partial<T>;

export function definitionChannels(ctx: EngineContext) {
  const { store, guests, queue } = ctx;

  /** Refuses a name that is taken (by a guest, or by a definition file that cannot be loaded). */
  const checkFree = (name: string) => {
    if (store.get(name)) throw operationInvalid(`guest '${name}' is already defined; change it with vm:update`);
    if (store.hasBroken(name)) {
      throw operationInvalid(`a definition file for '${name}' (${definitionFileName(name)}) exists but cannot be loaded; fix or remove it first`);
    }
  };

  /** Defines a guest; the caller holds the guest's queue. */
  const define = async (input: ParsedRequestOf<'vm:define'>) => {
    checkFree(input.name);
    const def: Definition = { ...input, uuid: input.uuid ?? randomUUID() };
    checkOnHost(ctx, def);
    await store.save(def);
    guests.changed(def.name);
    return guests.info(def);
  };

  return {
    vmList: async () =>
      store
        .list()
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((d) => guests.info(d)),

    vmBroken: async () => store.broken(),

    vmGet: async ({ name }) => guests.info(guests.def(name)),

    vmDefine: (input) => queue.run(input.name, () => define(input)),

    // One operation, so a page that goes away half-way (a reload) leaves a whole guest or nothing: the image is made,
    // the guest defined with it, and the image removed again if the definition is refused.
    vmCreate: ({ definition, newDisk }) =>
      queue.run(definition.name, async () => {
        if (!newDisk) return define(definition);
        checkFree(definition.name);
        const path = join(imagesDirOf(ctx), newDisk.fileName);
        await createImage(path, newDisk.format, newDisk.sizeMiB);
        try {
          return await define({ ...definition, disks: [...definition.disks, { path, format: newDisk.format, readonly: false, bus: newDisk.bus }] });
        } catch (e) {
          await rm(path, { force: true });
          throw e;
        }
      }),

    vmUpdate: (input) =>
      queue.run(input.name, async () => {
        const old = guests.def(input.name);
        if (input.uuid && input.uuid !== old.uuid) {
          throw new CgvirtError('INVALID_ARG', `uuid cannot change: guest '${old.name}' has uuid ${old.uuid}`);
        }
        const def: Definition = { ...input, uuid: old.uuid };
        checkOnHost(ctx, def);
        const r = guests.get(def.name);
        const changed = changedFields(old, def);
        const live: string[] = [];
        if (r) {
          const applicable = changed.filter((f) => LIVE_FIELDS.includes(f));
          applyLive(ctx, r, { ...r.live, ...pick(def, applicable) });
          live.push(...applicable);
        }
        await store.save(def);
        guests.changed(def.name);
        const shares = (d: Definition) => d.cpu.shares ?? CPU_SHARES.default;
        if (shares(def) !== shares(old)) ctx.history.addMark(def.name, shares(def));
        const later = changed.filter((f) => !live.includes(f));
        if (changed.length) {
          audit(
            ctx,
            def.name,
            `settings changed: ${[live.length ? `${live.join(', ')} in effect now` : '', later.length ? `${later.join(', ')} from the next start` : ''].filter(Boolean).join('; ')}`,
          );
        }
        return { info: guests.info(def), live, nextStart: changed.filter((f) => !live.includes(f)) };
      }),

    vmUndefine: ({ name, deleteImages }) =>
      queue.run(name, async () => {
        const def = guests.def(name);
        guests.check(name, 'undefine');
        store.remove(name);
        guests.forget(name);
        ctx.history.forget(name);
        guests.changed(name);
        // After the definition is gone: a failed delete leaves an image, never a guest without its disk.
        const deletedImages = deleteImages === true ? await deleteOwnImages(ctx, def) : [];
        return { name, deletedImages };
      }),

    vmLog: async ({ name, lines }) => {
      guests.def(name);
      return { lines: await readLogTail(ctx.lifecycle.logPath(name), lines) };
    },
  } satisfies Partial<ChannelApi>;
}

/** Where a guest's log lives: one file per guest under the config dir. */
export const logPathIn = (configDir: string) => (name: string) => join(configDir, 'logs', `${encodeURIComponent(name)}.log`);
