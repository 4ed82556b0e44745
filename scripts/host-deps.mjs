#!/usr/bin/env node
// Installs (as root, with apt) or explains (otherwise) the host programs cgvirt needs, so a newcomer types nothing else.
//   --for start   QEMU (to run guests)
//   --for test    QEMU + Debian's Chromium (Playwright drives it; `playwright install` cannot download here)
//   --for bench   same as test
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
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
