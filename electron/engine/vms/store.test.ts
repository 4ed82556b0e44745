import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { definitionSchema } from '../../../shared';
import { definitionFileName, DefinitionStore } from './store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cgvirt-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const def = (name: string, uuid = '11111111-2222-4333-8444-555555555555') =>
  definitionSchema.parse({ name, uuid, memoryMiB: 64, vcpus: 1 });

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
    for (let i = 0; i < 20; i++) {
      await s.save({ ...def('w'), memoryMiB: 64 + i });
      expect(JSON.parse(readFileSync(join(dir, 'guests', 'w.json'), 'utf8')).memoryMiB).toBe(64 + i);
    }
    expect(readdirSync(join(dir, 'guests'))).toEqual(['w.json']);
    s.remove('w');
    expect(readdirSync(join(dir, 'guests'))).toEqual([]);
  });

  it('refuses a uuid another guest has', async () => {
    const s = new DefinitionStore(dir);
    await s.save(def('a'));
    await expect(s.save(def('b'))).rejects.toThrow(/uuid .* is already used by guest 'a'/);
  });
});
