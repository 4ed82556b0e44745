// Finding the QEMU binary and its version: `CGVIRT_QEMU` (a path) if set, else `qemu-system-x86_64` on PATH. A missing
// or broken QEMU is reported with what to do about it; the rest of the UI keeps working without it.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { quoteName, unsupported, type HostInfo } from '../../../shared';

export const DEFAULT_QEMU_BINARY = 'qemu-system-x86_64';
export const QEMU_INSTALL_HINT = 'install the Debian package qemu-system-x86, or set CGVIRT_QEMU to the path of qemu-system-x86_64';
const VERSION_TIMEOUT_MS = 10_000;

export interface QemuFound {
  path: string;
  version: string;
}

export interface FindQemuOptions {
  /** A configured binary: an absolute path, or a name looked up on PATH. Default: `$CGVIRT_QEMU`, else qemu-system-x86_64. */
  binary?: string | undefined;
  /** Default: `$PATH`. */
  pathEnv?: string | undefined;
  timeoutMs?: number;
}

async function executable(file: string): Promise<string | null> {
  try {
    if (!(await stat(file)).isFile()) return 'is not a file';
    await access(file, constants.X_OK);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not executable' : `cannot be used (${String(code)})`;
  }
}

/** Where the binary is, or why it is not there. */
async function locate(binary: string, pathEnv: string, configured: boolean): Promise<{ path: string } | { error: string }> {
  const source = configured ? `CGVIRT_QEMU='${quoteName(binary)}'` : `'${binary}'`;
  if (binary.includes('/')) {
    if (!isAbsolute(binary)) return { error: `${source} is not an absolute path; ${QEMU_INSTALL_HINT}` };
    const why = await executable(binary);
    return why ? { error: `QEMU binary ${source} ${why}; ${QEMU_INSTALL_HINT}` } : { path: binary };
  }
  for (const dir of pathEnv.split(delimiter).filter((d) => isAbsolute(d))) {
    const candidate = join(dir, binary);
    if ((await executable(candidate)) === null) return { path: candidate };
  }
  return { error: `QEMU is not installed: no ${source} on PATH (${pathEnv || 'empty'}); ${QEMU_INSTALL_HINT}` };
}

/** `QEMU emulator version 7.2.22 (Debian ...)` → `7.2.22`. */
export function parseQemuVersion(output: string): string | null {
  return /QEMU emulator version (\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1] ?? null;
}

function runVersion(path: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(path, ['--version'], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const why = (err as { killed?: boolean }).killed ? `did not answer within ${timeoutMs} ms` : `failed: ${(stderr || err.message).trim()}`;
        reject(new Error(`'${path} --version' ${why}`));
      } else resolve(stdout);
    });
  });
}

// `--version` costs a QEMU start (about 150 ms under TCG here); every guest start asks. The answer is kept per binary
// and asked again only when the file changes (another mtime or size: an upgrade).
const versions = new Map<string, { stamp: string; answer: HostInfo['qemu'] }>();

/** The host probe's view of QEMU: its path and version, or the error to show (never throws). */
export async function probeQemu(opts: FindQemuOptions = {}): Promise<HostInfo['qemu']> {
  const configured = opts.binary ?? process.env.CGVIRT_QEMU;
  const binary = configured && configured.length > 0 ? configured : DEFAULT_QEMU_BINARY;
  const where = await locate(binary, opts.pathEnv ?? process.env.PATH ?? '', binary !== DEFAULT_QEMU_BINARY || Boolean(configured));
  if ('error' in where) return { path: null, error: where.error };
  const st = await stat(where.path).catch(() => null);
  const stamp = st ? `${st.mtimeMs}:${st.size}:${st.ino}` : '';
  const known = versions.get(where.path);
  if (known?.stamp === stamp) return known.answer;
  const answer = await askVersion(where.path, opts.timeoutMs ?? VERSION_TIMEOUT_MS);
  versions.set(where.path, { stamp, answer });
  return answer;
}

async function askVersion(path: string, timeoutMs: number): Promise<HostInfo['qemu']> {
  try {
    const out = await runVersion(path, timeoutMs);
    const version = parseQemuVersion(out);
    if (!version) return { path, error: `'${path}' does not look like QEMU: --version printed '${quoteName(out.trim())}'; ${QEMU_INSTALL_HINT}` };
    return { path, version };
  } catch (e) {
    return { path, error: `${(e as Error).message}; ${QEMU_INSTALL_HINT}` };
  }
}

/** The QEMU binary to start guests with; UNSUPPORTED with the actionable reason when there is none. */
export async function requireQemu(opts: FindQemuOptions = {}): Promise<QemuFound> {
  const q = await probeQemu(opts);
  if (q.path === null || q.version === undefined) throw unsupported(q.error ?? `QEMU is not usable; ${QEMU_INSTALL_HINT}`);
  return { path: q.path, version: q.version };
}
