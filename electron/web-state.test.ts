import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWebState, saveWebState, WEB_STATE_FILE } from './web-state';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const fresh = () => (dir = mkdtempSync(join(tmpdir(), 'cgvirt-web-')));

describe('serve state kept between runs', () => {
  it('makes a token once, keeps it and the port, and writes the file 0600', () => {
    fresh();
    const notes: string[] = [];
    const first = loadWebState(dir, { note: (l) => notes.push(l) });
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    saveWebState(dir, { ...first, port: 8765 });
    expect(loadWebState(dir, { note: (l) => notes.push(l) })).toEqual({ token: first.token, port: 8765 });
    expect(statSync(join(dir, WEB_STATE_FILE)).mode & 0o777).toBe(0o600);
    expect(notes).toEqual([]);
  });

  it('replaces an unreadable or foreign file with a new token, and says so', () => {
    fresh();
    writeFileSync(join(dir, WEB_STATE_FILE), '{"token":"short","extra":1}');
    const notes: string[] = [];
    const state = loadWebState(dir, { note: (l) => notes.push(l) });
    expect(state.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(notes[0]).toMatch(/is not a cgvirt web state/);
    expect(JSON.parse(readFileSync(join(dir, WEB_STATE_FILE), 'utf8'))).toEqual(state);
  });

  it('rotates the token on request and keeps the port', () => {
    fresh();
    const first = loadWebState(dir, { note: () => undefined });
    saveWebState(dir, { ...first, port: 8765 });
    const notes: string[] = [];
    const rotated = loadWebState(dir, { rotate: true, note: (l) => notes.push(l) });
    expect(rotated.token).not.toBe(first.token);
    expect(rotated.port).toBe(8765);
    expect(notes[0]).toMatch(/new access token/);
  });
});
