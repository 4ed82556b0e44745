// The channels about the host rather than one guest: what it can do (host:info, announcing changes), the recent
// stats and priority changes of all guests (for a page that connects now), and new disk images.
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

    storageCreate: async ({ fileName, format, sizeMiB }) => {
      const path = join(imagesDirOf(ctx), fileName);
      await createImage(path, format, sizeMiB);
      return { path };
    },
  } satisfies Partial<ChannelApi>;
}
