// What /proc says about a process, for the reconnect check: is this pid still the QEMU we started (same start time,
// same uuid in its command line)? A pid alone can be reused by another process.
import { readFile } from 'node:fs/promises';

export interface ProcStat {
  /** R, S, D, Z (zombie), T... */
  state: string;
  ppid: number;
  /** Field 22: clock ticks after boot when the process started; with the pid it names one process for good. */
  startTime: number;
}

const gone = (e: unknown) => ['ENOENT', 'ESRCH'].includes((e as NodeJS.ErrnoException).code ?? '');

/** Parses a `/proc/<pid>/stat` line. The command name (field 2) may hold spaces and parentheses: fields follow its last ')'. */
export function parseProcStat(text: string): ProcStat {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error(`unexpected /proc stat line: ${text.slice(0, 100)}`);
  const rest = text
    .slice(close + 2)
    .trim()
    .split(' '); // rest[0] is field 3
  const field = (n: number) => rest[n - 3];
  const state = field(3);
  const ppid = Number(field(4));
  const startTime = Number(field(22));
  if (!state || !Number.isInteger(ppid) || !Number.isInteger(startTime)) {
    throw new Error(`unexpected /proc stat line: ${text.slice(0, 100)}`);
  }
  return { state, ppid, startTime };
}

/** The process's stat fields, or null when there is no such process. */
export async function readProcStat(pid: number): Promise<ProcStat | null> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch (e) {
    if (gone(e)) return null;
    throw e;
  }
}

/** Field 22 of /proc/<pid>/stat, or null when there is no such process. */
export async function readProcStartTime(pid: number): Promise<number | null> {
  return (await readProcStat(pid))?.startTime ?? null;
}

/** The process's argv (empty for a zombie or kernel thread), or null when there is no such process. */
export async function readProcCmdline(pid: number): Promise<string[] | null> {
  let raw: Buffer;
  try {
    raw = await readFile(`/proc/${pid}/cmdline`);
  } catch (e) {
    if (gone(e)) return null;
    throw e;
  }
  if (raw.length === 0) return [];
  const parts = raw.toString('utf8').split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}
