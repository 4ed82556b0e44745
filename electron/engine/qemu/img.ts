// Creating an empty disk image with qemu-img (arguments only, no shell). The file is created exclusively first, so an
// existing file is never overwritten, not even by a race; a failed qemu-img removes what it made.
import { execFile } from 'node:child_process';
import { open, rm } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { invalidArg, operationFailed, operationInvalid, quoteName, unsupported, type Disk } from '../../../shared';

export const QEMU_IMG_TIMEOUT_MS = 60_000;

export interface CreateImageOptions {
  /** Default: `$CGVIRT_QEMU_IMG`, else qemu-img on PATH. */
  qemuImg?: string;
  timeoutMs?: number;
}

function run(bin: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024 }, (err, _out, stderr) => {
      if (!err) return resolve();
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        reject(unsupported(`'${bin}' is not installed: install the Debian package qemu-utils, or set CGVIRT_QEMU_IMG`));
      } else if ((err as { killed?: boolean }).killed) {
        reject(operationFailed(`qemu-img did not finish within ${timeoutMs} ms`));
      } else reject(operationFailed(`qemu-img could not create the image: ${(stderr || err.message).trim()}`));
    });
  });
}

/** Creates an empty `format` image of `sizeMiB` MiB at the absolute `path`; OPERATION_INVALID if anything is there. */
export async function createImage(
  path: string,
  format: Disk['format'],
  sizeMiB: number,
  { qemuImg = process.env.CGVIRT_QEMU_IMG || 'qemu-img', timeoutMs = QEMU_IMG_TIMEOUT_MS }: CreateImageOptions = {},
): Promise<void> {
  if (!isAbsolute(path)) throw invalidArg(`image path '${quoteName(path)}' must be absolute`);
  if (!Number.isInteger(sizeMiB) || sizeMiB < 1) throw invalidArg(`image size '${sizeMiB}' must be a whole number of MiB, at least 1`);
  try {
    // 0600: a guest's disk may hold private data; QEMU runs as the engine's user.
    await (await open(path, 'wx', 0o600)).close();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw operationInvalid(`image '${quoteName(path)}' already exists; choose another file name or delete it first`);
    throw operationFailed(`cannot create image '${quoteName(path)}': ${(e as Error).message}`);
  }
  try {
    // `--` is not needed: the path is absolute, so it can be neither an option nor a `protocol:` name.
    await run(qemuImg, ['create', '-q', '-f', format, path, `${sizeMiB}M`], timeoutMs);
  } catch (e) {
    await rm(path, { force: true });
    throw e;
  }
}
