// The engine's images directory: where it makes new disk images, and the only place it ever deletes one from — a
// file directly in it (resolved, so no symlink leads out), never a disk the user brought from elsewhere.
import { lstatSync, realpathSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Definition } from '../../../shared';
import type { EngineContext } from './context';

export const imagesDirOf = (ctx: Pick<EngineContext, 'configDir'>) => join(ctx.configDir, 'images');

/** The guest's disks that are regular files directly in the images directory: what cgvirt made and may delete. */
export function ownImages(ctx: Pick<EngineContext, 'configDir'>, def: Definition): string[] {
  let dir: string;
  try {
    dir = realpathSync(imagesDirOf(ctx));
  } catch {
    return [];
  }
  return def.disks.flatMap((d) => {
    try {
      const real = realpathSync(d.path);
      return dirname(real) === dir && lstatSync(real).isFile() ? [real] : [];
    } catch {
      return []; // gone already
    }
  });
}

/** Deletes those images; returns the ones deleted. */
export async function deleteOwnImages(ctx: Pick<EngineContext, 'configDir'>, def: Definition): Promise<string[]> {
  const paths = ownImages(ctx, def);
  await Promise.all(paths.map((p) => rm(p, { force: true })));
  return paths;
}
