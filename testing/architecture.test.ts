// The arrows that must never exist (ARCHITECTURE.md): renderer → electron; shared → anything; engine → electron or ipc;
// and only main.ts and preload.ts import 'electron'.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx)$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

function imports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2]!,
  );
}

/** A relative import resolved to a path from the repository root; a bare one unchanged. */
const target = (file: string, spec: string) => (spec.startsWith('.') ? relative(root, resolve(root, dirname(file), spec)) : spec);

function violations(dir: string, forbidden: (to: string, file: string) => boolean): string[] {
  return sources(dir).flatMap((f) => imports(f).map((s) => [f, target(f, s)] as const).filter(([file, to]) => forbidden(to, file)).map(([file, to]) => `${file} → ${to}`));
}

describe('import arrows', () => {
  it('shared/ imports nothing but itself and zod', () => {
    expect(violations('shared', (to) => !(to.startsWith('shared') || to === 'zod'))).toEqual([]);
  });
  it('renderer/ never imports electron/, Electron or Node', () => {
    expect(violations('renderer', (to) => to.startsWith('electron') || to.startsWith('node:'))).toEqual([]);
  });
  it('the engine never imports Electron or the IPC layer', () => {
    expect(violations('electron/engine', (to) => to === 'electron' || to.startsWith('electron/ipc'))).toEqual([]);
  });
  it("only main.ts and preload.ts import 'electron'", () => {
    const allowed = new Set(['electron/main.ts', 'electron/preload.ts']);
    expect(violations('electron', (to, file) => to === 'electron' && !allowed.has(file))).toEqual([]);
  });
});
