// The per-guest QEMU log: opened O_APPEND so QEMU and the engine never overwrite each other, a start marker before each
// run, and reading the last lines back (QEMU's own words for an error message or the UI's log tab).
import { open, type FileHandle } from 'node:fs/promises';

/** An argument as it would be typed in a shell, so a marker line shows exactly what ran (and stays one line). */
export const displayArg = (a: string): string => (/^[A-Za-z0-9_./=:,@+%-]+$/.test(a) ? a : JSON.stringify(a));

export interface OpenedLog {
  handle: FileHandle;
  /** Byte offset just after this run's marker: where QEMU's output for this run begins. */
  runOffset: number;
}

/** Opens (creating, mode 0600) the log for appending and writes the start marker. The caller closes `handle`. */
export async function openLogForRun(logPath: string, argv: readonly string[], now = new Date()): Promise<OpenedLog> {
  const handle = await open(logPath, 'a', 0o600);
  try {
    const marker = `=== ${now.toISOString()} cgvirt: starting ${argv.map(displayArg).join(' ')}\n`;
    await handle.write(marker);
    const { size } = await handle.stat();
    return { handle, runOffset: size };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/** Appends one line of the engine's own (why a start failed, who stopped the guest). */
export async function appendLogLine(logPath: string, line: string, now = new Date()): Promise<void> {
  const handle = await open(logPath, 'a', 0o600);
  try {
    await handle.write(`=== ${now.toISOString()} cgvirt: ${line.replace(/\n/g, ' ')}\n`);
  } finally {
    await handle.close();
  }
}

/**
 * The last `lines` lines of the log from `fromOffset` on (default: the whole file), reading at most `maxBytes` from
 * its end. A missing log is no lines.
 */
export async function readLogTail(
  logPath: string,
  lines: number,
  { fromOffset = 0, maxBytes = 1024 * 1024 }: { fromOffset?: number; maxBytes?: number } = {},
): Promise<string[]> {
  if (lines <= 0) return [];
  let handle: FileHandle;
  try {
    handle = await open(logPath, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(fromOffset, size - maxBytes, 0);
    const length = Math.max(size - start, 0);
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, start);
    let text = buf.subarray(0, bytesRead).toString('utf8');
    // Reading from the middle of the file: the first line is partial.
    if (start > fromOffset && start > 0) text = text.slice(text.indexOf('\n') + 1);
    const all = text.split('\n');
    if (all.at(-1) === '') all.pop();
    return all.slice(-lines);
  } finally {
    await handle.close();
  }
}
