// The channels about the host rather than a guest: what it can do (host:info, announcing changes) and new disk
// images in the engine's images directory.
import { join } from 'node:path';
import type { ChannelApi } from '../../shared';
import { probeHost } from './host/probe';
import { createImage } from './qemu/img';
import type { EngineContext } from './vms/context';
import { tunableFeatures } from './vms/tunables';

export function hostChannels(ctx: EngineContext) {
  let lastHost: string | null = null;
  return {
    hostInfo: async () => {
      const info = await probeHost({ ...ctx.cgroups.report(), features: tunableFeatures(ctx.cgroups) }, ctx.qemuBinary);
      const key = JSON.stringify(info);
      if (lastHost !== null && key !== lastHost) ctx.events.emit('host:changed', info);
      lastHost = key;
      return info;
    },

    storageCreate: async ({ fileName, format, sizeMiB }) => {
      const path = join(ctx.configDir, 'images', fileName);
      await createImage(path, format, sizeMiB);
      return { path };
    },
  } satisfies Partial<ChannelApi>;
}
