#!/usr/bin/env node
// Builds everything `npm start`, `npm run serve` and the e2e tests run:
//   dist/renderer/           the UI (Vite)
//   dist/electron/main.js    Electron main process (ESM)
//   dist/electron/preload.cjs  the sandboxed preload (sandboxed preloads must be CommonJS)
//   dist/electron/serve.js   headless web mode
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';

const quiet = process.argv.includes('--quiet');
await vite({ configFile: 'vite.config.ts', logLevel: quiet ? 'warn' : 'info' });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // ws loads these optional native speed-ups only when present.
  external: ['electron', 'bufferutil', 'utf-8-validate'],
};
// Bundled ESM has no require(); some dependencies (ws) call it for Node built-ins.
const requireShim = "import { createRequire as __cgvirtCreateRequire } from 'node:module'; const require = __cgvirtCreateRequire(import.meta.url);";
await Promise.all([
  esbuild({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.js', format: 'esm', banner: { js: requireShim } }),
  esbuild({ ...common, entryPoints: ['electron/serve.ts'], outfile: 'dist/electron/serve.js', format: 'esm', banner: { js: requireShim } }),
  esbuild({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs' }),
]);
if (!quiet) console.log('built dist/renderer and dist/electron');
