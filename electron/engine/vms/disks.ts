// Disks of a guest: attach and detach, live (hot-plug, ACL first, see hotplug.ts) and/or in the stored definition.
import { operationInvalid, quoteName, resolveScope, type ChannelApi } from '../../../shared';
import type { EngineContext } from './context';
import { audit, scopeWords } from './audit';
import { checkOnHost } from './definitions';
import { attachDiskLive, detachDiskLive } from './hotplug';

export function diskChannels(ctx: EngineContext) {
  const { guests, queue, store } = ctx;
  return {
    vmAttachDisk: ({ name, disk, flags }) =>
      queue.run(name, async () => {
        const def = guests.def(name);
        const r = guests.get(name);
        const s = resolveScope(flags, Boolean(r));
        if (s.live && !r) throw operationInvalid(`cannot attach a disk live to guest '${name}': it is shut off; use flags {config: true}`);
        if (s.config && def.disks.some((d) => d.path === disk.path)) {
          throw operationInvalid(`disk '${quoteName(disk.path)}' is already in the definition of '${name}'`);
        }
        const next = { ...def, disks: [...def.disks, disk] };
        if (s.config) checkOnHost(ctx, next, def);
        if (s.live) await attachDiskLive(r!, disk);
        if (s.config) await store.save(next);
        audit(ctx, name, `disk ${disk.path} attached (${disk.bus}${disk.readonly ? ', read-only' : ''}), ${scopeWords(s)}`);
        guests.changed(name);
        return guests.info(guests.def(name));
      }),

    vmDetachDisk: ({ name, path, flags }) =>
      queue.run(name, async () => {
        const def = guests.def(name);
        const r = guests.get(name);
        const s = resolveScope(flags, Boolean(r));
        if (s.live && !r) throw operationInvalid(`cannot detach a disk live from guest '${name}': it is shut off; use flags {config: true}`);
        if (s.config && !def.disks.some((d) => d.path === path)) {
          throw operationInvalid(`disk '${quoteName(path)}' is not in the definition of '${name}'`);
        }
        if (s.live) await detachDiskLive(r!, path);
        if (s.config) await store.save({ ...def, disks: def.disks.filter((d) => d.path !== path) });
        audit(ctx, name, `disk ${path} detached from ${[s.live && 'the running guest', s.config && 'the definition'].filter(Boolean).join(' and ')}`);
        guests.changed(name);
        return guests.info(guests.def(name));
      }),
  } satisfies Partial<ChannelApi>;
}
