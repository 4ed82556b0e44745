// Guest definitions: one JSON file per guest in `<config>/guests/`, written atomically (temp file, fsync, rename, by
// write-file-atomic) so a crash never leaves a torn file. A file that does not parse or validate is listed as broken
// with the reason, and the others load anyway.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { CgvirtError, definitionSchema, quoteName, type BrokenDefinition, type Definition } from '../../../shared';

/** File names are ASCII whatever the guest is called (names may hold spaces, commas, any script). */
export const definitionFileName = (name: string) => `${encodeURIComponent(name)}.json`;

export class DefinitionStore {
  private readonly dir: string;
  private readonly defs = new Map<string, Definition>();
  private brokenFiles: BrokenDefinition[] = [];

  constructor(configDir: string) {
    this.dir = join(configDir, 'guests');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** Reads every definition file; returns the broken ones (also kept for `broken()`). */
  load(): BrokenDefinition[] {
    this.defs.clear();
    this.brokenFiles = [];
    const uuids = new Map<string, string>();
    for (const file of readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const reason = this.loadOne(file, uuids);
      if (reason) this.brokenFiles.push({ file, reason });
    }
    return this.brokenFiles;
  }

  private loadOne(file: string, uuids: Map<string, string>): string | null {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(this.dir, file), 'utf8'));
    } catch (e) {
      return `not valid JSON: ${(e as Error).message}`;
    }
    const parsed = definitionSchema.safeParse(raw);
    if (!parsed.success) {
      return `invalid definition: ${parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')}`;
    }
    const def = parsed.data;
    if (file !== definitionFileName(def.name)) return `file name does not match the guest name '${quoteName(def.name)}'`;
    const other = uuids.get(def.uuid);
    if (other !== undefined) return `uuid ${def.uuid} is already used by guest '${quoteName(other)}'`;
    uuids.set(def.uuid, def.name);
    this.defs.set(def.name, def);
    return null;
  }

  broken(): BrokenDefinition[] {
    return [...this.brokenFiles];
  }

  list(): Definition[] {
    return [...this.defs.values()];
  }

  get(name: string): Definition | undefined {
    return this.defs.get(name);
  }

  byUuid(uuid: string): Definition | undefined {
    return this.list().find((d) => d.uuid === uuid);
  }

  /** Writes a definition (new or replacing), durably, then keeps it. */
  async save(def: Definition): Promise<void> {
    const clash = this.byUuid(def.uuid);
    if (clash && clash.name !== def.name) {
      throw new CgvirtError('INVALID_ARG', `uuid ${def.uuid} is already used by guest '${quoteName(clash.name)}'`);
    }
    const file = join(this.dir, definitionFileName(def.name));
    await writeFileAtomic(file, `${JSON.stringify(def, null, 2)}\n`, { fsync: true, mode: 0o600 });
    this.syncDir();
    this.defs.set(def.name, def);
    // A fixed definition replaces a broken file of the same name.
    this.brokenFiles = this.brokenFiles.filter((b) => b.file !== definitionFileName(def.name));
  }

  /** Is there a file for this name that failed to load? Defining over it would lose what it holds. */
  hasBroken(name: string): boolean {
    return this.brokenFiles.some((b) => b.file === definitionFileName(name));
  }

  remove(name: string): void {
    rmSync(join(this.dir, definitionFileName(name)), { force: true });
    this.syncDir();
    this.defs.delete(name);
  }

  /** The rename (or unlink) is durable only once the directory itself is synced. */
  private syncDir(): void {
    const fd = openSync(this.dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
