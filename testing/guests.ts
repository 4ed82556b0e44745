// Generated 512-byte boot-sector guests: enough for real QEMU to run real guest code under TCG.
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PROGRAMS = {
  /** `jmp $` — burns a CPU forever: what priority and fidelity tests measure. */
  spin: [0xeb, 0xfe],
  /** `cli; hlt` — idles forever. */
  halt: [0xfa, 0xf4],
} as const;
export type GuestKind = keyof typeof PROGRAMS;

export function bootSector(kind: GuestKind): Buffer {
  const sector = Buffer.alloc(512);
  Buffer.from(PROGRAMS[kind]).copy(sector, 0);
  sector[510] = 0x55; // the BIOS boots a sector only with this signature
  sector[511] = 0xaa;
  return sector;
}

/**
 * SeaBIOS does not boot a virtio-blk disk smaller than one cylinder of its geometry (16 heads × 63 sectors = 504 KiB):
 * it reports "could not read the boot disk". The image is the boot sector, then zeros (sparse) up to 1 MiB.
 */
export const BOOT_IMAGE_BYTES = 1024 * 1024;

/** Writes a boot image into `dir` (under `file`, default `<kind>.img`) and returns its path. */
export function writeBootImage(dir: string, kind: GuestKind, file = `${kind}.img`): string {
  const path = join(dir, file);
  writeFileSync(path, bootSector(kind));
  truncateSync(path, BOOT_IMAGE_BYTES);
  return path;
}
