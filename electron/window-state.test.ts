import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_STATE, fitToDisplays, readWindowState, saveWindowState } from './window-state';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cgvirt-winstate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('window state file', () => {
  it('round-trips size, position and maximized, private to the user', async () => {
    const file = join(dir, 'window-state.json');
    await saveWindowState(file, { x: 10, y: 20, width: 1300, height: 900, maximized: true });
    expect(await readWindowState(file)).toEqual({ x: 10, y: 20, width: 1300, height: 900, maximized: true });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ width: 1300 });
  });

  it('falls back to defaults for a missing, damaged or hostile file', async () => {
    const file = join(dir, 'window-state.json');
    expect(await readWindowState(file)).toEqual(DEFAULT_WINDOW_STATE);
    for (const text of [
      '{',
      'null',
      '[]',
      '{"width":"big","height":900}',
      '{"width":1e9,"height":900}',
      '{"width":10,"height":10}',
      '{"width":1000,"height":700,"__proto__":{"x":1},"evil":1}',
    ]) {
      writeFileSync(file, text);
      const state = await readWindowState(file);
      expect(state.width).toBeGreaterThanOrEqual(820);
      expect(state.width).toBeLessThanOrEqual(20000);
      expect(Object.keys(state)).not.toContain('evil');
    }
  });
});

describe('fitting to the screens there are', () => {
  const screen = { x: 0, y: 0, width: 1920, height: 1080 };
  it('keeps a position on a screen and drops one on an unplugged monitor', () => {
    expect(fitToDisplays({ x: 100, y: 50, width: 1200, height: 800, maximized: false }, [screen])).toEqual({ x: 100, y: 50, width: 1200, height: 800 });
    expect(fitToDisplays({ x: 2500, y: 50, width: 1200, height: 800, maximized: false }, [screen])).toEqual({ width: 1200, height: 800 });
    expect(fitToDisplays({ x: 100, y: -500, width: 1200, height: 800, maximized: false }, [screen])).toEqual({ width: 1200, height: 800 });
  });
  it('cuts the size to the largest screen', () => {
    expect(fitToDisplays({ width: 5000, height: 3000, maximized: false }, [screen, { x: 1920, y: 0, width: 1280, height: 1024 }])).toEqual({
      width: 1920,
      height: 1080,
    });
  });
});
