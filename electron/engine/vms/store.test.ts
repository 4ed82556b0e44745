import { spawnSync } from 'node:child_process';
import fs, { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Definition, definitionSchema } from '../../../shared';
import { definitionFileName, DefinitionStore } from './store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cgvirt-store-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const def = (name: string, uuid = '11111111-2222-4333-8444-555555555555') => definitionSchema.parse({ name, uuid, memoryMiB: 64, vcpus: 1 });

describe('definition store', () => {
  it('round-trips a definition through one JSON file per guest, with an ASCII file name', async () => {
    const s = new DefinitionStore(dir);
    await s.save(def('web server, ü'));
    expect(readdirSync(join(dir, 'guests'))).toEqual(['web%20server%2C%20%C3%BC.json']);
    const again = new DefinitionStore(dir);
    expect(again.load()).toEqual([]);
    expect(again.get('web server, ü')).toEqual(def('web server, ü'));
  });

  it('lists corrupt and invalid files as broken with the reason, and loads the others anyway', async () => {
    const s = new DefinitionStore(dir);
    await s.save(def('good'));
    const g = (f: string) => join(dir, 'guests', f);
    writeFileSync(g('torn.json'), '{"name": "torn", "memo');
    writeFileSync(g('bad.json'), JSON.stringify({ ...def('bad', '22222222-2222-4333-8444-555555555555'), vcpus: 0 }));
    writeFileSync(g('elsewhere.json'), JSON.stringify(def('renamed', '33333333-2222-4333-8444-555555555555')));
    writeFileSync(g('twin.json'), JSON.stringify(def('twin')));
    writeFileSync(g('good.json.1234abcd'), 'a temp file of an interrupted write is ignored');
    const broken = new DefinitionStore(dir).load();
    expect(broken.map((b) => b.file).sort()).toEqual(['bad.json', 'elsewhere.json', 'torn.json', 'twin.json']);
    expect(broken.find((b) => b.file === 'torn.json')!.reason).toMatch(/^not valid JSON/);
    expect(broken.find((b) => b.file === 'bad.json')!.reason).toBe("invalid definition: vcpus: vcpus '0' must be an integer in range [1, 255]");
    expect(broken.find((b) => b.file === 'elsewhere.json')!.reason).toBe("file name does not match the guest name 'renamed'");
    expect(broken.find((b) => b.file === 'twin.json')!.reason).toMatch(/uuid .* is already used by guest 'good'/);
  });

  it('knows a broken file by guest name, so defining over it cannot lose it', () => {
    const s = new DefinitionStore(dir);
    writeFileSync(join(dir, 'guests', definitionFileName('web')), 'not json');
    s.load();
    expect(s.hasBroken('web')).toBe(true);
    expect(s.hasBroken('other')).toBe(false);
  });

  it('writes atomically: the file is complete JSON after every save, and removal removes it', async () => {
    const s = new DefinitionStore(dir);
    const file = join(dir, 'guests', 'w.json');
    // Watch each rename as it happens (then do it): the new text must be complete in a temp file beside w.json while
    // w.json still holds the previous save. A store writing w.json in place never renames and fails here.
    // (write-file-atomic renames with the callback fs.rename of Node's fs module, the object imported here.)
    const realRename = fs.rename;
    const renames: { from: string; to: string; temp: number; final: number | null }[] = [];
    vi.spyOn(fs, 'rename').mockImplementation((from: fs.PathLike, to: fs.PathLike, cb: fs.NoParamCallback) => {
      const read = (p: fs.PathLike) => JSON.parse(readFileSync(p, 'utf8')).memoryMiB as number;
      renames.push({ from: String(from), to: String(to), temp: read(from), final: fs.existsSync(to) ? read(to) : null });
      realRename(from, to, cb);
    });
    for (let i = 0; i < 20; i++) {
      await s.save({ ...def('w'), memoryMiB: 64 + i });
      expect(JSON.parse(readFileSync(join(dir, 'guests', 'w.json'), 'utf8')).memoryMiB).toBe(64 + i);
    }
    expect(renames).toEqual(
      Array.from({ length: 20 }, (_, i) => ({
        from: expect.stringMatching(/\/guests\/w\.json\.\w+$/),
        to: file,
        temp: 64 + i,
        final: i === 0 ? null : 63 + i,
      })),
    );
    expect(readdirSync(join(dir, 'guests'))).toEqual(['w.json']);
    s.remove('w');
    expect(readdirSync(join(dir, 'guests'))).toEqual([]);
  });

  // A save that crashes (SIGKILL: no finally, no exit handler) before the new file is renamed into place must leave the
  // old file byte for byte, under its name, and nothing torn under any *.json name. A big definition (16 disks with
  // long paths, 256 extra devices: ~128 KB), so the write is not one tiny block. The child is
  // testing/crash-during-store-save.ts: it kills itself halfway through writing the bytes, or at the rename.
  it.each(['write', 'rename'] as const)('survives a crash at the %s step of a save: the old file stays whole, nothing torn is visible', async (step) => {
    const old = def('w');
    const s = new DefinitionStore(dir);
    await s.save(old);
    const file = join(dir, 'guests', 'w.json');
    const before = readFileSync(file, 'utf8');
    const big: Definition = definitionSchema.parse({
      ...old,
      memoryMiB: 4096,
      disks: Array.from({ length: 16 }, (_, i) => ({
        path: `/var/lib/cgvirt/images/${String(i).padStart(2, '0')}-${'d'.repeat(3900)}.qcow2`,
        format: 'qcow2',
      })),
      devices: { extra: Array.from({ length: 256 }, (_, i) => `/dev/${String(i).padStart(3, '0')}${'x'.repeat(240)}`), omitDefaults: [] },
    });
    const bigText = `${JSON.stringify(big, null, 2)}\n`;
    expect(bigText.length).toBeGreaterThan(100 * 1024);
    const input = join(dir, 'big-definition.json');
    writeFileSync(input, bigText);

    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, '../../../testing/crash-during-store-save.ts'), dir, step, input],
      { cwd: join(import.meta.dirname, '../../..'), encoding: 'utf8', timeout: 60_000 },
    );
    // Killed by its own hook, at that step (a store that skips the step would save and exit 0).
    expect({ signal: child.signal, stdout: child.stdout, stderr: child.stderr }).toEqual({
      signal: 'SIGKILL',
      stdout: expect.stringMatching(step === 'write' ? /^crashing at write: w\.json\.\w+\n$/ : /^crashing at rename: w\.json\.\w+ -> w\.json\n$/),
      stderr: '',
    });

    // The old file, whole and unchanged, under the final name.
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(definitionSchema.parse(JSON.parse(before))).toEqual(old);
    // The new bytes went to a temp file beside it (not a *.json name): half of them, or all of them.
    const files = readdirSync(join(dir, 'guests')).sort();
    expect(files).toEqual(['w.json', expect.stringMatching(/^w\.json\.\w+$/)]);
    const temp = readFileSync(join(dir, 'guests', files[1]!), 'utf8');
    expect(temp).toBe(step === 'rename' ? bigText : bigText.slice(0, bigText.length >> 1));
    // What the next start sees: the old guest, nothing broken.
    const again = new DefinitionStore(dir);
    expect(again.load()).toEqual([]);
    expect(again.list()).toEqual([old]);
  });

  it('keeps the old file and the old definition when the rename fails, and leaves no temp file', async () => {
    const s = new DefinitionStore(dir);
    await s.save(def('w'));
    const file = join(dir, 'guests', 'w.json');
    const before = readFileSync(file, 'utf8');
    const rename = vi
      .spyOn(fs, 'rename')
      .mockImplementation((_from: fs.PathLike, _to: fs.PathLike, cb: fs.NoParamCallback) =>
        cb(Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' })),
      );
    await expect(s.save({ ...def('w'), memoryMiB: 128 })).rejects.toThrow('EIO');
    expect(rename).toHaveBeenCalledWith(expect.stringMatching(/w\.json\.\w+$/), file, expect.any(Function));
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(join(dir, 'guests'))).toEqual(['w.json']);
    expect(s.get('w')).toEqual(def('w'));
  });

  it('refuses a uuid another guest has', async () => {
    const s = new DefinitionStore(dir);
    await s.save(def('a'));
    await expect(s.save(def('b'))).rejects.toThrow(/uuid .* is already used by guest 'a'/);
  });
});
