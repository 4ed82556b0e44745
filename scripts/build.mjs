#!/usr/bin/env node
// Builds everything `npm start`, `npm run serve` and the e2e tests run:
//   dist/renderer/           the UI (Vite)
//   dist/electron/main.js    Electron main process (ESM)
//   dist/electron/preload.cjs  the sandboxed preload (sandboxed preloads must be CommonJS)
//   dist/electron/serve.js   headless web mode
//   --quiet            warnings only
//   --no-renderer      only the Electron/serve bundles (tests that exercise the bundled CLI)
//   --outdir DIR       instead of dist/ (for the electron/ bundles)
import { join } from 'node:path';
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';

const args = process.argv.slice(2);
const quiet = args.includes('--quiet');
const outdir = args.includes('--outdir') ? args[args.indexOf('--outdir') + 1] : 'dist';
if (!args.includes('--no-renderer')) await vite({ configFile: 'vite.config.ts', logLevel: quiet ? 'warn' : 'info' });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // ws loads these optional native speed-ups only when present.
  external: ['electron', 'bufferutil', 'utf-8-validate'],
};
// Bundled ESM has no require(), __filename or __dirname; bundled CommonJS dependencies use them (ws calls require for
// Node built-ins, write-file-atomic reads __filename).
const requireShim = [
  "import { createRequire as __cgvirtCreateRequire } from 'node:module';",
  "import { fileURLToPath as __cgvirtFileURLToPath } from 'node:url';",
  'const require = __cgvirtCreateRequire(import.meta.url);',
  'const __filename = __cgvirtFileURLToPath(import.meta.url);',
  "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
].join(' ');
await Promise.all([
  esbuild({ ...common, entryPoints: ['electron/main.ts'], outfile: join(outdir, 'electron/main.js'), format: 'esm', banner: { js: requireShim } }),
  esbuild({ ...common, entryPoints: ['electron/serve.ts'], outfile: join(outdir, 'electron/serve.js'), format: 'esm', banner: { js: requireShim } }),
  esbuild({ ...common, entryPoints: ['electron/preload.ts'], outfile: join(outdir, 'electron/preload.cjs'), format: 'cjs' }),
]);
if (!quiet) console.log(`built ${outdir}/electron${args.includes('--no-renderer') ? '' : ' and dist/renderer'}`);
