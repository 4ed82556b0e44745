// Where this host keeps the real operating systems the "real guests" tests boot: Debian's kernel (with its modules and
// config), static busybox (for the initramfs guest of ./initramfs.ts) and the GRUB rescue CD. Only finds them: what
// to install lives in scripts/host-deps.mjs, and the skip-or-fail rule for a missing one in ./host.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's grub-rescue-pc: a bootable El Torito CD with GRUB and no OS, so a CD-ROM boot shows GRUB's own screen. */
export const GRUB_RESCUE_ISO = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
/** Debian's busybox-static; the plain busybox package installs a dynamically linked one at the same path. */
export const BUSYBOX = '/bin/busybox';

export interface LinuxKernel {
  /** `uname -r` of the kernel, e.g. 6.1.0-50-amd64. */
  version: string;
  /** The bzImage QEMU's `-kernel` takes. */
  vmlinuz: string;
  /** /lib/modules/<version>: modules.dep and kernel/… (the NIC drivers are modules in Debian's kernel). */
  modulesDir: string;
  /** /boot/config-<version>, or null when the kernel came without it. */
  config: string | null;
}

/**
 * The newest /boot/vmlinuz-<version> that has its /lib/modules/<version> (a kernel without its modules cannot bring up a
 * NIC in the initramfs guest), or null when there is none. Newest by version order, not file date: 6.1.0-10 > 6.1.0-9.
 */
export function findKernel(boot = '/boot', modulesRoot = '/lib/modules'): LinuxKernel | null {
  let names: string[];
  try {
    names = readdirSync(boot);
  } catch {
    return null;
  }
  const versions = names
    .filter((n) => n.startsWith('vmlinuz-'))
    .map((n) => n.slice('vmlinuz-'.length))
    .filter((v) => existsSync(join(modulesRoot, v, 'modules.dep')))
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  const version = versions[0];
  if (version === undefined) return null;
  const config = join(boot, `config-${version}`);
  return { version, vmlinuz: join(boot, `vmlinuz-${version}`), modulesDir: join(modulesRoot, version), config: existsSync(config) ? config : null };
}

/** The GRUB rescue CD image, or null when grub-rescue-pc is not installed. */
export const findGrubRescueIso = (): string | null => (existsSync(GRUB_RESCUE_ISO) ? GRUB_RESCUE_ISO : null);

/** /bin/busybox when it is a static executable (alone in an initramfs it has no libc to load), else null. */
export const findStaticBusybox = (): string | null => (isStaticElf(BUSYBOX) ? BUSYBOX : null);

/** A 64-bit ELF without a PT_INTERP program header: the kernel runs it without a dynamic loader. */
export function isStaticElf(file: string): boolean {
  let b: Buffer;
  try {
    b = readFileSync(file);
  } catch {
    return false;
  }
  if (b.length < 64 || b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) return false; // ELF, 64-bit, little-endian
  const phoff = Number(b.readBigUInt64LE(32));
  const phentsize = b.readUInt16LE(54);
  const phnum = b.readUInt16LE(56);
  if (phoff + phnum * phentsize > b.length) return false;
  for (let i = 0; i < phnum; i++) if (b.readUInt32LE(phoff + i * phentsize) === 3 /* PT_INTERP */) return false;
  return true;
}

const need = <T>(found: T | null, what: string): T => {
  if (found === null) throw new Error(`${what} not found (run: node scripts/host-deps.mjs --for test)`);
  return found;
};
/** For suites behind describeOnHost: the same finders, throwing instead of answering null. */
export const requireKernel = (): LinuxKernel => need(findKernel(), 'a /boot/vmlinuz-* with its /lib/modules dir (Debian package linux-image-amd64)');
export const requireStaticBusybox = (): string => need(findStaticBusybox(), 'a static /bin/busybox (Debian package busybox-static)');
export const requireGrubRescueIso = (): string => need(findGrubRescueIso(), `${GRUB_RESCUE_ISO} (Debian package grub-rescue-pc)`);
