// The channels about the host rather than one guest: what it can do (host:info, announcing changes), the recent
// stats and priority changes of all guests (for a page that connects now), and the images directory: its files, and
// new disk images in it.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChannelApi } from '../../shared';
import { probeHost } from './host/probe';
import { createImage } from './qemu/img';
import type { EngineContext } from './vms/context';
import { imagesDirOf } from './vms/images';
import { tunableFeatures } from './vms/tunables';

export function hostChannels(ctx: EngineContext) {
  let lastHost: string | null = null;
  return {
    hostInfo: async () => {
      const info = await probeHost({ ...ctx.cgroups.report(), features: tunableFeatures(ctx.cgroups) }, imagesDirOf(ctx), ctx.qemuBinary);
      const key = JSON.stringify(info);
      if (lastHost !== null && key !== lastHost) ctx.events.emit('host:changed', info);
      lastHost = key;
      return info;
    },

    statsHistory: async () => ctx.history.snapshot(),

    /** Regular files only (a link is followed to what it names); a missing directory is an empty list, not an error. */
    storageList: async () => {
      const dir = imagesDirOf(ctx);
      const names = await readdir(dir).catch(() => [] as string[]);
      const files = await Promise.all(
        names.map(async (name) => {
          const path = join(dir, name);
          const st = await stat(path).catch(() => null);
          if (!st?.isFile() || name.startsWith('.')) return [];
          return [{ name, path, sizeBytes: st.size, kind: name.toLowerCase().endsWith('.iso') ? ('iso' as const) : ('image' as const) }];
        }),
      );
      return { dir, files: files.flat().sort((a, b) => a.name.localeCompare(b.name)) };
    },

    storageCreate: async ({ fileName, format, sizeMiB }) => {
      const path = join(imagesDirOf(ctx), fileName);
      await createImage(path, format, sizeMiB);
      return { path };
    },
  } satisfies Partial<ChannelApi>;
}
