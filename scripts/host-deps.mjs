#!/usr/bin/env node
// Installs (as root, with apt) or explains (otherwise) the host programs cgvirt needs, so a newcomer types nothing else.
//   --for start   QEMU (to run guests)
//   --for test    QEMU + Debian's Chromium (Playwright drives it; `playwright install` cannot download here)
//                 + a real OS to boot: Debian's kernel, static busybox (an initramfs guest), the GRUB rescue CD
//   --for bench   same as test
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { onPath } from './on-path.mjs';

const purpose = process.argv.includes('--for') ? process.argv[process.argv.indexOf('--for') + 1] : 'test';
const strict = process.env.CGVIRT_STRICT === '1';

const exists = (file, mode = constants.X_OK) => {
  try {
    accessSync(file, mode);
    return true;
  } catch {
    return false;
  }
};

/** A /boot/vmlinuz-<ver> whose /lib/modules/<ver> is there too (the initramfs guest loads its NIC driver from it). */
const hasKernel = () => {
  try {
    return readdirSync('/boot').some((f) => f.startsWith('vmlinuz-') && exists(`/lib/modules/${f.slice('vmlinuz-'.length)}/modules.dep`, constants.R_OK));
  } catch {
    return false;
  }
};
/** Debian's plain `busybox` is dynamically linked, useless alone in an initramfs: static means no PT_INTERP header. */
const isStatic = (file) => {
  try {
    const b = readFileSync(file);
    if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2) return false; // ELF, 64-bit
    const [phoff, phentsize, phnum] = [Number(b.readBigUInt64LE(32)), b.readUInt16LE(54), b.readUInt16LE(56)];
    for (let i = 0; i < phnum; i++) if (b.readUInt32LE(phoff + i * phentsize) === 3) return false;
    return true;
  } catch {
    return false;
  }
};

/** program → Debian package, and whether this purpose needs it. */
const wanted = [
  { what: 'qemu-system-x86_64', pkg: 'qemu-system-x86', have: () => onPath('qemu-system-x86_64'), for: ['start', 'test', 'bench'] },
  { what: 'qemu-img', pkg: 'qemu-utils', have: () => onPath('qemu-img'), for: ['start', 'test', 'bench'] },
  { what: '/usr/bin/chromium', pkg: 'chromium', have: () => exists('/usr/bin/chromium'), for: ['test', 'bench'] },
  // Without any font, Chromium renders text as boxes in the e2e screenshots.
  {
    what: 'a font for Chromium',
    pkg: 'fonts-dejavu-core',
    have: () => exists('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', constants.R_OK) || !exists('/usr/bin/apt-get'),
    for: ['test', 'bench'],
  },
  // Real guests: the GRUB rescue CD boots from a CD-ROM; Debian's kernel + busybox make an initramfs guest with a NIC
  // (testing/real-os.ts, testing/initramfs.ts). The kernel's modules dir comes with it (the NIC drivers are modules).
  {
    what: '/usr/lib/grub-rescue/grub-rescue-cdrom.iso',
    pkg: 'grub-rescue-pc',
    have: () => exists('/usr/lib/grub-rescue/grub-rescue-cdrom.iso', constants.R_OK),
    for: ['test', 'bench'],
  },
  { what: 'a Linux kernel in /boot', pkg: 'linux-image-amd64', have: () => hasKernel(), for: ['test', 'bench'] },
  // The initramfs writer's test reads the image back with GNU cpio (linux-image-amd64 brings it via initramfs-tools).
  { what: 'cpio', pkg: 'cpio', have: () => onPath('cpio'), for: ['test', 'bench'] },
  { what: '/bin/busybox (static)', pkg: 'busybox-static', have: () => exists('/bin/busybox') && isStatic('/bin/busybox'), for: ['test', 'bench'] },
];
const missing = wanted.filter((w) => w.for.includes(purpose) && !w.have());
if (missing.length === 0) process.exit(0);

const pkgs = [...new Set(missing.map((m) => m.pkg))];
const command = `apt-get install -y ${pkgs.join(' ')}`;
const isRoot = process.getuid?.() === 0;

if (!isRoot || !exists('/usr/bin/apt-get')) {
  console.error(
    `cgvirt needs ${missing.map((m) => m.what).join(', ')} for '${purpose}', and cannot install it here ` +
      `(${isRoot ? 'no apt-get' : 'not root'}).\nOn Debian or Ubuntu run: sudo ${command}`,
  );
  // `npm start` can still open the window and explain; tests without QEMU would only skip, which CI must not accept.
  process.exit(purpose === 'start' && !strict ? 0 : 1);
}

console.log(`cgvirt: installing ${pkgs.join(', ')} with apt (needed for '${purpose}')...`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const apt = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
// A fresh machine may have empty or stale package lists: update once, then retry. Recommended packages are kept:
// Chromium's (its sandbox helper, fonts, Vulkan loader) are what a headless run on a bare machine was probed with.
const install = () => apt(['install', '-y', '-q', ...pkgs]);
const ok = install() || (apt(['update', '-q']) && install());
const still = missing.filter((m) => !m.have());
if (!ok || still.length > 0) {
  console.error(`cgvirt: could not install ${still.map((m) => m.what).join(', ') || pkgs.join(', ')}; try: ${command}`);
  process.exit(1);
}
