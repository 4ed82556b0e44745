// A process that crashes in the middle of `DefinitionStore.save`, for the store's atomicity test (run it with
// `node --import tsx`). It SIGKILLs itself at a chosen step of the save, so nothing runs after: no `finally`, no
// exit handler, no cleanup of a temp file, exactly as a power cut or an OOM kill would leave the directory.
//
//   node --import tsx testing/crash-during-store-save.ts <configDir> <write|rename> <definition.json>
//
// `write`: the first half of the definition's bytes reach a file in the guests dir, then the kill (a torn write).
// `rename`: every byte is written and synced, the kill comes as the file is renamed into place.
// Before dying it prints `crashing at write: <file>` or `crashing at rename: <from> -> <to>` on stdout, so the test knows the kill came from the hook. A save
// that never writes through fs.write / never renames (a plain writeFileSync) finishes and exits 0 instead.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { definitionSchema } from '../shared';
import { DefinitionStore } from '../electron/engine/vms/store';

const [configDir, step, definitionFile] = process.argv.slice(2);
if (!configDir || (step !== 'write' && step !== 'rename') || !definitionFile) {
  console.error('usage: crash-during-store-save.ts <configDir> <write|rename> <definition.json>');
  process.exit(2);
}
const guestsDir = join(configDir, 'guests');
const def = definitionSchema.parse(JSON.parse(fs.readFileSync(definitionFile, 'utf8')));

const crash = (what: string): never => {
  fs.writeSync(1, `crashing at ${step}: ${what}\n`);
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: SIGKILL did not kill');
};
const inGuestsDir = (p: unknown) => typeof p === 'string' && dirname(p) === guestsDir;

if (step === 'rename') {
  // Every rename API a save could use: the callback one (write-file-atomic), the sync one and the promise one.
  const hook = (from: unknown, to: unknown) => inGuestsDir(to) && crash(`${basename(String(from))} -> ${basename(String(to))}`);
  const { rename, renameSync } = fs;
  const promisesRename = fs.promises.rename;
  fs.rename = ((from: fs.PathLike, to: fs.PathLike, cb: fs.NoParamCallback) => (hook(from, to), rename(from, to, cb))) as typeof fs.rename;
  fs.renameSync = (from, to) => (hook(from, to), renameSync(from, to));
  fs.promises.rename = async (from, to) => (hook(from, to), promisesRename(from, to));
} else {
  // write-file-atomic writes the whole text with one fs.write on the temp file's fd: write half of it, then die.
  const { write } = fs;
  fs.write = ((fd: number, data: unknown, ...rest: unknown[]) => {
    const path = fs.readlinkSync(`/proc/self/fd/${fd}`);
    if (inGuestsDir(path) && typeof data === 'string') {
      fs.writeSync(fd, data.slice(0, data.length >> 1));
      fs.fsyncSync(fd);
      crash(basename(path));
    }
    return (write as (...a: unknown[]) => unknown)(fd, data, ...rest);
  }) as typeof fs.write;
}
syncBuiltinESMExports();

const store = new DefinitionStore(configDir);
store.load();
await store.save(def);
fs.writeSync(1, 'saved without crashing\n');
