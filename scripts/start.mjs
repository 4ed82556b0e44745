#!/usr/bin/env node
// `npm start`: host programs (installed or explained) → the Electron binary (or a plain word about its absence) →
// build → launch. The binary is looked up without `require('electron')`, which would try to download it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status === 0;

/** Where the `electron` package keeps its binary, or why there is none. */
function electronBinary() {
  let pkgDir;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed (run: npm install)' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, relative || 'electron') : relative ? join(pkgDir, 'dist', relative) : null;
  if (!binary || !existsSync(binary)) {
    return {
      missing: `the Electron binary is not installed (${binary ?? join(pkgDir, 'dist')} is missing; its download failed or was skipped)`,
      installer: join(pkgDir, 'install.js'),
    };
  }
  return { binary };
}

if (!run(process.execPath, ['scripts/host-deps.mjs', '--for', 'start'])) process.exit(1);

let found = electronBinary();
// No download where the user named the binary's place, or asked for none (Electron's own switch).
const mayDownload = !process.env.ELECTRON_OVERRIDE_DIST_PATH && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD;
if (found.missing && mayDownload && found.installer && existsSync(found.installer)) {
  // Electron's package downloads its binary on first use; do that here, once, where the user can see it.
  console.log('cgvirt: fetching the Electron binary (first start)...');
  spawnSync(process.execPath, [found.installer], { stdio: 'inherit', timeout: 10 * 60_000 });
  found = electronBinary();
}
if (found.missing) {
  console.error(
    `cgvirt: cannot open the desktop window: ${found.missing}.\n` +
      'The same UI runs in your browser instead: npm run serve  (then open the URL it prints)',
  );
  process.exit(1);
}

if (process.getuid?.() === 0) {
  // Chromium will not run as root with its sandbox, and the sandbox is what keeps an untrusted renderer contained.
  console.error(
    'cgvirt: the desktop window does not run as root (Electron would need --no-sandbox, which cgvirt will not use).\n' +
      'As root, run the engine headless and use your browser: npm run serve  (then open the URL it prints).\n' +
      'As a regular user, npm start works where cgroups are delegated to you (cgroup v2 with systemd Delegate=yes).',
  );
  process.exit(1);
}

if (!run(process.execPath, ['scripts/build.mjs'])) process.exit(1);

const child = spawn(found.binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (e) => {
  console.error(`cgvirt: could not launch Electron (${found.binary}): ${e.message}\nTry the browser UI: npm run serve`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
