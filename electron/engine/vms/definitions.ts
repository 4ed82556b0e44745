// Guest definitions: list, read, define, change (live where the guest runs), delete, and the guest's log.
import { randomUUID } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CgvirtError, CPU_SHARES, operationInvalid, quoteName, type ChannelApi, type Definition, type ParsedRequestOf } from '../../../shared';
import { checkCpuset } from '../cgroup/cpulist';
import { bridgeProblem, listBridges, probeBridging } from '../host/network';
import { disksProblem } from '../qemu/disk';
import { defaultMac, ideProblem } from '../qemu/hardware';
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
 * What a host path a definition names must be, checked on define (not only when QEMU opens it at start): an existing
 * regular file (or, for a disk, a block device) the engine can read, and write unless `write` is false.
 */
export function pathProblem(at: string, path: string, { block, write }: { block: boolean; write: boolean }): string | null {
  const where = `${at} '${quoteName(path)}'`;
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${where} does not exist` : `${where} cannot be read (${code ?? (e as Error).message})`;
  }
  if (!st.isFile() && !(block && st.isBlockDevice())) {
    const what = st.isDirectory() ? 'a directory' : block ? 'neither a file nor a block device' : 'not a regular file';
    return `${where} is ${what}: ${block ? 'a disk is an image file or a block device' : 'it must be a regular file'}`;
  }
  try {
    accessSync(path, write ? constants.R_OK | constants.W_OK : constants.R_OK);
  } catch {
    return `${where} cannot be ${write ? 'read and written' : 'read'} by cgvirt${write && block ? ' (mark the disk read-only if that is meant)' : ''}`;
  }
  return null;
}

/** Every host path of the definition with its problem, first one first: disks, CD-ROM media, kernel and initrd. */
function pathsProblem(def: Definition, old?: Definition): string | null {
  // A path the definition already had (checked then) is not checked again: an installer ISO deleted since, or a disk
  // that is gone, must not block saving an unrelated setting. The start reports it in its own words.
  const kept = (path: string, had: (o: Definition) => boolean) => old !== undefined && had(old) && path !== '';
  const file = { block: false, write: false };
  const problems = [
    ...def.disks.map((d, i) =>
      kept(d.path, (o) => o.disks.some((k) => k.path === d.path && k.readonly === d.readonly))
        ? null
        : pathProblem(`disks[${i}].path`, d.path, { block: true, write: !d.readonly }),
    ),
    ...def.cdroms.map((c, i) =>
      !c.path || kept(c.path, (o) => o.cdroms.some((k) => k.path === c.path)) ? null : pathProblem(`cdroms[${i}].path`, c.path, file),
    ),
    def.boot.kernel && !kept(def.boot.kernel.kernel, (o) => o.boot.kernel?.kernel === def.boot.kernel!.kernel)
      ? pathProblem('boot.kernel.kernel', def.boot.kernel.kernel, file)
      : null,
    def.boot.kernel?.initrd && !kept(def.boot.kernel.initrd, (o) => o.boot.kernel?.initrd === def.boot.kernel!.initrd)
      ? pathProblem('boot.kernel.initrd', def.boot.kernel.initrd, file)
      : null,
  ];
  return problems.find((p) => p !== null) ?? null;
}

/** Ports below 1024 are the kernel's privileged ports: only a root engine's QEMU may bind them. */
function forwardsProblem(def: Definition): string | null {
  if (process.getuid?.() === 0) return null;
  for (const [n, nic] of def.nics.entries()) {
    for (const [i, f] of nic.forwards.entries()) {
      if (f.hostPort < 1024) {
        return `nics[${n}].forwards[${i}].hostPort ${f.hostPort} is a privileged port (below 1024) and this engine does not run as root; use 1024-65535`;
      }
    }
  }
  return null;
}

/** A bridged NIC names a bridge of this host, and this engine can make taps (else the feature's reason). */
function bridgesProblem(def: Definition, old?: Definition): string | null {
  // As for paths: a bridge the definition already named is checked again at start, not on every save.
  const bridged = def.nics.flatMap((nic, n) =>
    nic.bridge === undefined || old?.nics.some((o) => o.bridge === nic.bridge) ? [] : [{ n, bridge: nic.bridge }],
  );
  if (bridged.length === 0) return null;
  const probe = probeBridging();
  const bridges = listBridges();
  return bridged.map(({ n, bridge }) => bridgeProblem(`nics[${n}].bridge`, bridge, probe, bridges)).find((p) => p !== null) ?? null;
}

/**
 * Checks what only this host can tell: paths, buses, ports, bridges, extra nodes present, CPUs that exist. With `old`
 * (a change to a defined guest), paths and bridges it already had are left to the start to check.
 */
export function checkOnHost(ctx: EngineContext, def: Definition, old?: Definition): void {
  const problem = pathsProblem(def, old) ?? disksProblem(def.disks) ?? ideProblem(def) ?? forwardsProblem(def) ?? bridgesProblem(def, old);
  if (problem) throw new CgvirtError('INVALID_ARG', problem);
  checkExtraDevices(def.devices.extra);
  if (def.cpu.cpuset && ctx.cgroups.detection.controllers.cpuset.usable) {
    def.cpu.cpuset = checkCpuset(def.cpu.cpuset, ctx.cgroups.availableCpus());
  }
}

/** Each NIC keeps the MAC it has; one without gets a stable one, stored, since the guest's OS keys its network setup on it. */
function withMacs(def: Definition): Definition {
  if (def.nics.every((n) => n.mac)) return def;
  const used = new Set(def.nics.flatMap((n) => (n.mac ? [n.mac] : [])));
  let k = 0;
  const next = () => {
    let mac = defaultMac(def.uuid, k++);
    while (used.has(mac)) mac = defaultMac(def.uuid, k++);
    used.add(mac);
    return mac;
  };
  return { ...def, nics: def.nics.map((nic) => (nic.mac ? nic : { ...nic, mac: next() })) };
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
    const def = withMacs({ ...input, uuid: input.uuid ?? randomUUID() });
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
        const def = withMacs({ ...input, uuid: old.uuid });
        checkOnHost(ctx, def, old);
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
