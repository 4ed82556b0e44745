#!/usr/bin/env node
// `npm test`: every check and suite that exists, in order, then one summary line.
//   host programs (installed or explained) → lint → format check → typecheck (one tsc per runtime) → build →
//   vitest (unit, renderer, integration) → Playwright e2e
// The three static checks all run before the first of them stops the run, so one run names every one that failed.
// With CGVIRT_STRICT=1 (CI) a skipped test is a failure: a missing host capability must not pass silently.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';

const strict = process.env.CGVIRT_STRICT === '1';
const run = (cmd, args, env = {}) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status === 0;
const npx = (args, env) => run('npx', ['--no-install', ...args], env);
/** Runs one step and says how long it took (CI time is a budget). */
const timed = (name, step) => {
  const t0 = performance.now();
  const ok = step();
  console.log(`cgvirt test: ${name} ${ok ? 'ok' : 'FAILED'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return ok;
};
const fail = (why) => {
  console.log(`cgvirt test summary: FAILED (${why})`);
  process.exit(1);
};

mkdirSync('test-results', { recursive: true });
if (!run('node', ['scripts/host-deps.mjs', '--for', 'test'])) fail('host programs missing');
const staticChecks = [
  ['lint', () => npx(['eslint', '.'])],
  ['format check', () => npx(['prettier', '--check', '--log-level', 'warn', '.'])],
  ['typecheck', () => run('node', ['scripts/typecheck.mjs'])],
];
const staticFailures = staticChecks.filter(([name, step]) => !timed(name, step)).map(([name]) => name);
if (staticFailures.length) fail(staticFailures.join(', '));
if (!timed('build', () => run('node', ['scripts/build.mjs', '--quiet']))) fail('build');

const counts = { passed: 0, failed: 0, skipped: 0 };
const parts = [];

const vitestOk = npx(['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json', ...process.argv.slice(2)]);
if (existsSync('test-results/vitest.json')) {
  const r = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
  const skipped = r.numPendingTests + r.numTodoTests;
  counts.passed += r.numPassedTests;
  counts.failed += r.numFailedTests;
  counts.skipped += skipped;
  parts.push(`vitest ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
}
if (!vitestOk && counts.failed === 0) counts.failed += 1; // a suite that failed to load counts too

const specs = existsSync('e2e') && readdirSync('e2e').some((f) => f.endsWith('.spec.ts'));
if (specs && process.argv.length <= 2) {
  const e2eOk = npx(['playwright', 'test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: 'test-results/e2e.json' });
  if (existsSync('test-results/e2e.json')) {
    const s = JSON.parse(readFileSync('test-results/e2e.json', 'utf8')).stats;
    const failed = s.unexpected + s.flaky;
    counts.passed += s.expected;
    counts.failed += failed;
    counts.skipped += s.skipped;
    parts.push(`e2e ${s.expected} passed, ${failed} failed, ${s.skipped} skipped`);
  }
  if (!e2eOk && counts.failed === 0) counts.failed += 1;
}

const verdict = counts.failed > 0 ? 'FAILED' : strict && counts.skipped > 0 ? 'FAILED (skips are failures under CGVIRT_STRICT=1)' : 'PASSED';
console.log(`cgvirt test summary: ${verdict}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (${parts.join('; ')})`);
process.exit(verdict === 'PASSED' ? 0 : 1);
