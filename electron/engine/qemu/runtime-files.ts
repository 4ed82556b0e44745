// The files a running QEMU owns in the runtime dir. QEMU removes them on a clean exit but not when it is killed or
// fails half-way through its start, so the engine removes them after every exit.
import { rm } from 'node:fs/promises';

export interface RuntimePaths {
  qmpSocket: string;
  pidfile: string;
  /** Required when the definition enables VNC. */
  vncSocket?: string;
  /** The first serial port's socket (absent in the status of a guest started before serial consoles existed). */
  serialSocket?: string;
}

/** Removes the QMP socket, pidfile, VNC and serial sockets; a file already gone is fine. */
export async function removeRuntimeFiles(paths: RuntimePaths): Promise<void> {
  const files = [paths.qmpSocket, paths.pidfile, ...(paths.vncSocket ? [paths.vncSocket] : []), ...(paths.serialSocket ? [paths.serialSocket] : [])];
  await Promise.all(files.map((f) => rm(f, { force: true })));
}
