// storage:list on a real engine: the images directory's regular files, ISOs told from disk images by name; hidden
// files and directories are not offered, and a directory that does not exist yet is an empty list.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnHost } from '../../testing/describe-on-host';
import { startEngineHarness, type EngineHarness } from '../../testing/engine';

let t: EngineHarness;

describeOnHost(['root', 'cgroupV1'], 'the images directory as the New guest dialog lists it', () => {
  beforeAll(async () => {
    t = await startEngineHarness();
  });
  afterAll(async () => t?.teardown());

  it('lists ISOs and images, not hidden files or directories; a missing directory is empty', async () => {
    const dir = join(t.dirs.configDir, 'images');
    expect(await t.engine.storageList({})).toEqual({ dir, files: [] });
    mkdirSync(join(dir, 'sub.iso'), { recursive: true });
    writeFileSync(join(dir, 'Debian.ISO'), Buffer.alloc(2048));
    writeFileSync(join(dir, 'web.qcow2'), 'q');
    writeFileSync(join(dir, '.partial.img'), '');
    expect(await t.engine.storageList({})).toEqual({
      dir,
      files: [
        { name: 'Debian.ISO', path: join(dir, 'Debian.ISO'), sizeBytes: 2048, kind: 'iso' },
        { name: 'web.qcow2', path: join(dir, 'web.qcow2'), sizeBytes: 1, kind: 'image' },
      ],
    });
  });
});
