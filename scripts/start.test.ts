// `npm start` on a machine without the Electron binary (this one: it cannot be downloaded here; elsewhere an empty
// override dir stands in for the missing download) must say so plainly, point to the browser UI, and fail, without
// trying to download or build anything.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

describe('npm start without the Electron binary', () => {
  it('explains, points to npm run serve and exits non-zero', () => {
    const empty = mkdtempSync(join(tmpdir(), 'cgvirt-no-electron-'));
    try {
      const env = { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty };
      const r = spawnSync(process.execPath, ['scripts/start.mjs'], { cwd: root, env, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('the Electron binary is not installed');
      expect(r.stderr).toContain('npm run serve');
      expect(r.stdout).not.toMatch(/Downloading Electron|fetching the Electron binary|built dist/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
