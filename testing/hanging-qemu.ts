// A STAND-IN for QEMU, for tests of a start that hangs: for a guest whose name starts with "hang" it stops itself
// (SIGSTOP) before QEMU runs — as a QEMU that hangs before its QMP socket answers — and for every other guest (and
// for the engine's `--version` probe) it is the real QEMU, exec'd in place (same pid, same cgroups).
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes the stand-in into `dir` and returns its path (for CGVIRT_QEMU or the engine's `qemuBinary`). */
export function writeHangingQemu(dir: string, realQemu = 'qemu-system-x86_64'): string {
  const path = join(dir, 'qemu-that-hangs-for-hang-guests');
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      '# A stand-in for QEMU (tests only): see testing/hanging-qemu.ts.',
      'for a in "$@"; do case "$a" in guest=hang*) kill -STOP $$ ;; esac; done',
      `exec ${realQemu} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  return path;
}
