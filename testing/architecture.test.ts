// The layers of docs/ARCHITECTURE.md, checked over the whole tree: every import of production code (shared/, electron/,
// renderer/, tests excepted) follows the layer table in scripts/layers.mjs — the same table ESLint enforces file by file
// (scripts/eslint-layers.mjs) — and, what ESLint cannot see one file at a time: no production file imports testing/,
// no two folders import each other (directly or around a loop), and only main.ts and preload.ts import 'electron'.
// Each check is a pure function of a list of imports, so the last block proves that each one can fail.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkImport, ELECTRON_IMPORTERS, isProduction, isTesting, LAYERS, layerOf, PRODUCTION_ROOTS, resolveRelative } from '../scripts/layers.mjs';

const root = resolve(import.meta.dirname, '..');

/** One import as written: the importing file, the specifier, and the repository file it resolves to (relative ones only). */
interface Import {
  from: string;
  spec: string;
  to: string | undefined;
}

/** The specifiers of a file's import and export-from declarations, side-effect imports and dynamic import()s. */
function specifiersOf(text: string): string[] {
  const pattern = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  return [...text.matchAll(pattern)].map((m) => (m[1] ?? m[2] ?? m[3])!);
}

const CANDIDATES = ['', '.ts', '.tsx', '.d.ts', '/index.ts', '/index.tsx'];

/** The file a relative specifier names among `files` (as a bundler resolves it: extension or folder index optional). */
function resolveAmong(files: ReadonlySet<string>, from: string, spec: string): string | undefined {
  const base = resolveRelative(from, spec);
  if (base === undefined) return undefined;
  const stem = base.replace(/\.js$/, '');
  return CANDIDATES.map((c) => stem + c).find((p) => files.has(p)) ?? base;
}

/** The imports of the given files, resolved among all of them. */
function importsOf(sources: ReadonlyMap<string, string>): Import[] {
  const files = new Set(sources.keys());
  return [...sources].flatMap(([from, text]) => specifiersOf(text).map((spec) => ({ from, spec, to: resolveAmong(files, from, spec) })));
}

// ——— the checks: each takes imports, answers the violations (empty when all is well) ———

/** (a) Production code never imports testing/. */
function testingImports(imports: Import[]): string[] {
  return imports.filter((i) => isProduction(i.from) && i.to !== undefined && isTesting(i.to)).map((i) => `${i.from} → ${i.to}`);
}

/** (b) Every import of a production file follows the layer table (and every production file is in a layer). */
function layerViolations(imports: Import[]): string[] {
  return imports.flatMap((i) => {
    // Check the resolved file when there is one, so that a folder's index is classified as the file it is.
    const spec = i.to === undefined ? i.spec : posix.relative(posix.dirname(i.from), i.to).replace(/^(?!\.)/, './');
    const message = checkImport(i.from, spec);
    return message ? [message] : [];
  });
}

/** The folder of a production file, as a node of the folder graph. */
const folderOf = (file: string) => posix.dirname(file);

/**
 * (c) No cycle between folders: the folder-level graph of production imports (folder A → folder B when a file in A
 * imports a file in B) has no strongly connected component of more than one folder. Each cycle is listed with the
 * imports that make it.
 */
function folderCycles(imports: Import[]): string[] {
  const edges = new Map<string, Map<string, string>>(); // from folder → to folder → one import that makes the arrow
  for (const i of imports) {
    if (!isProduction(i.from) || i.to === undefined || !isProduction(i.to)) continue;
    const [a, b] = [folderOf(i.from), folderOf(i.to)];
    if (a === b) continue;
    if (!edges.has(a)) edges.set(a, new Map());
    if (!edges.get(a)!.has(b)) edges.get(a)!.set(b, `${i.from} → ${i.to}`);
  }
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((c) => {
    const inside = new Set(c);
    const arrows = c.flatMap((a) => [...(edges.get(a) ?? [])].filter(([b]) => inside.has(b)).map(([, why]) => why));
    return `${c.join(' ↔ ')}: ${arrows.join('; ')}`;
  });
}

/** (d) Only electron/main.ts and electron/preload.ts import 'electron'. */
function electronImports(imports: Import[]): string[] {
  return imports
    .filter((i) => isProduction(i.from) && (i.spec === 'electron' || i.spec.startsWith('electron/')) && !ELECTRON_IMPORTERS.includes(i.from))
    .map((i) => `${i.from} → '${i.spec}'`);
}

// ——— the tree ———

function productionSources(): Map<string, string> {
  const sources = new Map<string, string>();
  for (const dir of PRODUCTION_ROOTS) {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
      if (!e.isFile() || !/\.(ts|tsx)$/.test(e.name)) continue;
      const file = relative(root, join(e.parentPath, e.name)).replaceAll('\\', '/');
      if (isProduction(file)) sources.set(file, readFileSync(join(root, file), 'utf8'));
    }
  }
  return sources;
}

describe('the layers of docs/ARCHITECTURE.md, over the tree', () => {
  const sources = productionSources();
  const imports = importsOf(sources);

  it('finds the production code and its imports', () => {
    expect(sources.has('electron/main.ts')).toBe(true);
    expect(sources.has('shared/index.ts')).toBe(true);
    expect(imports.length).toBeGreaterThan(100);
  });
  it('every production file is in a layer of the table', () => {
    expect([...sources.keys()].filter((f) => !layerOf(f) && !f.endsWith('.d.ts'))).toEqual([]);
  });
  it('(a) no production file imports testing/', () => {
    expect(testingImports(imports)).toEqual([]);
  });
  it('(b) every import follows the layer table', () => {
    expect(layerViolations(imports)).toEqual([]);
  });
  it('(c) no two folders import each other, directly or around a loop', () => {
    expect(folderCycles(imports)).toEqual([]);
  });
  it("(d) only main.ts and preload.ts import 'electron'", () => {
    expect(electronImports(imports)).toEqual([]);
  });
});

describe('the layer table itself', () => {
  it('names only layers it defines, and none twice', () => {
    const names = LAYERS.map((l) => l.name);
    expect(new Set(names).size).toBe(names.length);
    expect(LAYERS.flatMap((l) => l.may.filter((m) => !names.includes(m)).map((m) => `${l.name} → ${m}`))).toEqual([]);
  });
  it('classifies files and imported folders', () => {
    expect(layerOf('shared')?.name).toBe('shared');
    expect(layerOf('electron/engine')?.name).toBe('engine');
    expect(layerOf('electron/engine/engine.ts')?.name).toBe('engine');
    expect(layerOf('electron/engine/cgroup')?.name).toBe('engine/cgroup');
    expect(layerOf('electron/engine/host/devnum.ts')?.name).toBe('engine/host');
    expect(layerOf('electron/ipc/router.ts')?.name).toBe('ipc');
    expect(layerOf('electron/main.ts')?.name).toBe('electron');
    expect(layerOf('renderer/store/slices/fetched.ts')?.name).toBe('renderer/store');
    expect(layerOf('renderer/details/priority/PriorityTab.tsx')?.name).toBe('renderer/components');
    expect(layerOf('renderer/main.tsx')?.name).toBe('renderer/entry');
    expect(layerOf('renderer/shell/App.tsx')?.name).toBe('renderer/components');
    expect(layerOf('testing/fixtures.ts')).toBeUndefined();
    expect(isProduction('electron/engine/host/kvm.test.ts')).toBe(false);
    expect(isProduction('bench/run.ts')).toBe(false);
  });
});

describe('each check fails on a deliberate bad import', () => {
  const tree = (files: Record<string, string>) => importsOf(new Map(Object.entries(files)));

  it('(a) a production file importing testing/', () => {
    const imports = tree({
      'electron/engine/vms/store.ts': "import { sampleHostInfo } from '../../../testing/fixtures';",
      'testing/fixtures.ts': '',
      // A test may.
      'electron/engine/vms/store.test.ts': "import { sampleHostInfo } from '../../../testing/fixtures';",
    });
    expect(testingImports(imports)).toEqual(['electron/engine/vms/store.ts → testing/fixtures.ts']);
    expect(layerViolations(imports)).toEqual([expect.stringContaining('nothing in production imports testing/')]);
  });

  it('(b) an import against the table, a package the layer may not use, a file in no layer', () => {
    const imports = tree({
      'electron/engine/host/probe.ts': "import { aclOf } from '../cgroup/acl';\nimport { z } from 'zod';\nimport { readFile } from 'node:fs';",
      'electron/engine/cgroup/acl.ts': "import type { Dev } from '../host/devnum';",
      'electron/engine/host/devnum.ts': '',
      'shared/names.ts': "import { join } from 'node:path';",
      'renderer/model/format.ts': "import { useStore } from '../store/store';",
      'renderer/store/store.ts': "import { App } from '../shell/App';\nimport { create } from 'zustand/vanilla';",
      'renderer/shell/App.tsx': "import { invoke } from '../../electron/bridge';",
      'electron/bridge.ts': '',
      'electron/ipc/static-files.ts': "import { csp } from '../csp';",
      'electron/csp.ts': '',
      'electron/engine/newfolder/x.ts': "import { z } from 'zod';",
    });
    expect(layerViolations(imports)).toEqual([
      'electron/engine/host/probe.ts (layer engine/host) imports electron/engine/cgroup/acl.ts (layer engine/cgroup); ' +
        "engine/host may import: engine/host, shared, 'node:*', 'zod'",
      "shared/names.ts (layer shared) imports 'node:path'; shared may import: shared, 'zod'",
      'renderer/model/format.ts (layer renderer/model) imports renderer/store/store.ts (layer renderer/store); ' +
        'renderer/model may import: renderer/model, shared',
      'renderer/store/store.ts (layer renderer/store) imports renderer/shell/App.tsx (layer renderer/components); ' +
        "renderer/store may import: renderer/store, renderer/api, renderer/model, shared, 'react', 'zustand'",
      expect.stringMatching(/^renderer\/shell\/App\.tsx \(layer renderer\/components\) imports electron\/bridge\.ts \(layer electron\)/),
      expect.stringMatching(/^electron\/ipc\/static-files\.ts \(layer ipc\) imports electron\/csp\.ts \(layer electron\)/),
      'electron/engine/newfolder/x.ts is production code in no layer of scripts/layers.mjs: add its folder to the table',
    ]);
  });

  it('(c) two folders that import each other, and a loop of three', () => {
    const imports = tree({
      'electron/engine/host/probe.ts': "import { detect } from '../cgroup';",
      'electron/engine/cgroup/index.ts': "export { aclOf } from './acl';",
      'electron/engine/cgroup/acl.ts': "import { splitDev } from '../host/devnum';",
      'electron/engine/host/devnum.ts': '',
      'renderer/a/x.ts': "import { y } from '../b/y';",
      'renderer/b/y.ts': "import { z } from '../c/z';",
      'renderer/c/z.ts': "const x = await import('../a/x');",
      // No cycle: one way only, and imports inside one folder.
      'renderer/d/w.ts': "import { x } from '../a/x';\nimport { v } from './v';",
      'renderer/d/v.ts': "import { w } from './w';",
    });
    expect(folderCycles(imports)).toEqual([
      'electron/engine/cgroup ↔ electron/engine/host: electron/engine/cgroup/acl.ts → electron/engine/host/devnum.ts; ' +
        'electron/engine/host/probe.ts → electron/engine/cgroup/index.ts',
      'renderer/a ↔ renderer/b ↔ renderer/c: renderer/a/x.ts → renderer/b/y.ts; renderer/b/y.ts → renderer/c/z.ts; renderer/c/z.ts → renderer/a/x.ts',
    ]);
  });

  it("(d) 'electron' imported outside main.ts and preload.ts", () => {
    const imports = tree({
      'electron/main.ts': "import { app } from 'electron';",
      'electron/preload.ts': "import { contextBridge } from 'electron';",
      'electron/window-options.ts': "import type { BrowserWindowConstructorOptions } from 'electron';",
      'electron/ipc/electron-transport.ts': "import { ipcMain } from 'electron/main';",
      'electron/window-options.test.ts': "import { app } from 'electron';",
    });
    expect(electronImports(imports)).toEqual(["electron/window-options.ts → 'electron'", "electron/ipc/electron-transport.ts → 'electron/main'"]);
  });

  it('reads every kind of import', () => {
    expect(
      specifiersOf(
        [
          "import a from 'a';",
          "import type { B } from './b';",
          "import {\n  c,\n  d,\n} from '../c';",
          "export { e } from './e';",
          "export * from './f';",
          "import './g.css';",
          "const h = await import('./h');",
        ].join('\n'),
      ),
    ).toEqual(['a', './b', '../c', './e', './f', './g.css', './h']);
  });
});
