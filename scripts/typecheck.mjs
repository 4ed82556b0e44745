#!/usr/bin/env node
// `npm run typecheck`: the project's TypeScript 7 compiler on each runtime's config, one after the other, all of them
// even when one fails. tsc is found through the `typescript` package, not PATH, and must be 7.x: typescript-eslint's
// TypeScript 6 lives in scripts/tseslint/node_modules, and this makes sure that it never stands in for the compiler.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One per runtime (see each file's comment); tsconfig.json only references them. */
const CONFIGS = ['tsconfig.shared.json', 'tsconfig.renderer.json', 'tsconfig.node.json', 'tsconfig.dom-tests.json'];

const pkgDir = dirname(createRequire(import.meta.url).resolve('typescript/package.json'));
/** @type {{ version: string }} */
const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
if (!version.startsWith('7.')) {
  console.error(`typecheck: the project's typescript is ${version}, not 7.x (run: npm install)`);
  process.exit(1);
}
const tsc = join(pkgDir, 'bin', 'tsc');

const failed = [];
for (const config of CONFIGS) {
  const t0 = performance.now();
  const ok = spawnSync(process.execPath, [tsc, '--noEmit', '-p', config], { stdio: 'inherit' }).status === 0;
  console.log(`typecheck ${config}: ${ok ? 'ok' : 'FAILED'} (${((performance.now() - t0) / 1000).toFixed(1)} s, TypeScript ${version})`);
  if (!ok) failed.push(config);
}
process.exit(failed.length ? 1 : 0);
