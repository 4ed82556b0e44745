// The layer table: which production folder may import which (docs/ARCHITECTURE.md explains the layers). One table, read
// by ESLint (scripts/eslint-layers.mjs: a wrong import is a lint error in the editor) and by the architecture test
// (testing/architecture.test.ts: the same rules over the whole tree, plus folder cycles), in the spirit of VS Code's
// layer rules. Paths are repository-relative with '/' separators. Everything here is pure: no file system.
import { posix } from 'node:path';

/**
 * @typedef {object} Layer
 * @property {string} name        how messages name it
 * @property {string} describe    which files it holds, for messages
 * @property {(path: string) => boolean} holds  whether a repository-relative path (a file, or a folder imported by its index) is in it
 * @property {string[]} may       the other layers it may import (a layer may always import itself)
 * @property {string[]} packages  bare specifiers it may import: a package name ('zod', '@tanstack/react-virtual', subpaths
 *                                included) or a prefix ending in '*' ('node:*')
 */

/** Under `folder`, at any depth. */
const under = (folder) => (path) => path === folder || path.startsWith(`${folder}/`);
/** Directly in `folder` (not in a subfolder). */
const directlyIn = (folder) => (path) => posix.dirname(path) === folder;

const NODE = 'node:*';
/** Packages the renderer's components may use; api/, model/ and store/ use fewer. */
const FRONT_END = ['react', 'react-dom', 'zustand', 'uplot', '@tanstack/react-virtual', '@novnc/novnc', '@xterm/xterm', '@xterm/addon-fit'];

/** @type {Layer[]} Most specific first: a path is in the first layer that holds it. */
export const LAYERS = [
  { name: 'shared', describe: 'shared/', holds: under('shared'), may: [], packages: ['zod'] },

  // The engine, bottom up. host/ is its ground floor: it imports nothing else of the engine.
  { name: 'engine/host', describe: 'electron/engine/host/', holds: under('electron/engine/host'), may: ['shared'], packages: [NODE, 'zod'] },
  {
    name: 'engine/cgroup',
    describe: 'electron/engine/cgroup/',
    holds: under('electron/engine/cgroup'),
    may: ['engine/host', 'shared'],
    // koffi: bpf(2) for the v2 device filter, loaded lazily (createRequire) in cgroup/bpf/syscall.ts only.
    packages: [NODE, 'zod', 'koffi'],
  },
  {
    name: 'engine/qemu',
    describe: 'electron/engine/qemu/',
    holds: under('electron/engine/qemu'),
    may: ['engine/host', 'shared'],
    packages: [NODE, 'zod'],
  },
  {
    name: 'engine/vms',
    describe: 'electron/engine/vms/',
    holds: under('electron/engine/vms'),
    may: ['engine/cgroup', 'engine/qemu', 'engine/host', 'shared'],
    packages: [NODE, 'zod', 'write-file-atomic'],
  },
  {
    // Guest consoles (tickets, the serial hubs, VNC streams): over the guests of vms/, never imported by them.
    name: 'engine/consoles',
    describe: 'electron/engine/consoles/',
    holds: under('electron/engine/consoles'),
    may: ['engine/vms', 'engine/qemu', 'engine/host', 'shared'],
    packages: [NODE, 'zod'],
  },
  {
    name: 'engine',
    describe: 'the files directly in electron/engine/',
    holds: directlyIn('electron/engine'),
    may: ['engine/consoles', 'engine/vms', 'engine/cgroup', 'engine/qemu', 'engine/host', 'shared'],
    packages: [NODE, 'zod'],
  },

  {
    name: 'ipc',
    describe: 'electron/ipc/',
    holds: under('electron/ipc'),
    // Through the engine's front door (api.ts, index.ts) only: a transport never reaches into the engine's parts.
    may: ['engine', 'shared'],
    packages: [NODE, 'zod', 'ws'],
  },
  {
    name: 'electron',
    describe: 'the files directly in electron/ (main, preload, serve, serve-args, bridge, window-*)',
    holds: directlyIn('electron'),
    may: ['ipc', 'engine', 'shared'],
    // 'electron' itself only from ELECTRON_IMPORTERS (see checkImport).
    packages: [NODE, 'zod', 'ws', 'write-file-atomic', 'electron'],
  },

  // The renderer: the lower folders (api, model, store) never import the components above them.
  { name: 'renderer/model', describe: 'renderer/model/', holds: under('renderer/model'), may: ['shared'], packages: [] },
  { name: 'renderer/api', describe: 'renderer/api/', holds: under('renderer/api'), may: ['shared'], packages: [] },
  {
    name: 'renderer/store',
    describe: 'renderer/store/',
    holds: under('renderer/store'),
    may: ['renderer/api', 'renderer/model', 'shared'],
    packages: ['react', 'zustand'],
  },
  {
    // The entry point wires the transport to the store once; components reach the engine only through the store.
    name: 'renderer/entry',
    describe: 'renderer/main.tsx',
    holds: (path) => path === 'renderer/main.tsx',
    may: ['renderer/components', 'renderer/store', 'renderer/api', 'renderer/model', 'shared'],
    packages: FRONT_END,
  },
  {
    name: 'renderer/components',
    describe: 'the rest of renderer/ (ui/, shell/, guest-list/, details/, dialogs/, console/)',
    holds: under('renderer'),
    may: ['renderer/store', 'renderer/model', 'shared'],
    packages: FRONT_END,
  },
];

/** The only production files that may import 'electron' (the main process and the preload script). */
export const ELECTRON_IMPORTERS = ['electron/main.ts', 'electron/preload.ts'];

/** Folders (and files) that are not production code: they may import anything, and nothing in production imports them. */
export const TOOLING = ['testing', 'bench', 'e2e', 'scripts'];
/** Where production code lives; anything else (root configs, types/) is tooling. */
export const PRODUCTION_ROOTS = ['shared', 'electron', 'renderer'];

const TEST_FILE = /\.test\.[cm]?[jt]sx?$/;
const SOURCE_FILE = /\.(?:[cm]?[jt]sx?)$/;

/** Normalizes a path to repository-relative posix form without a leading './'. */
export const normalize = (path) => posix.normalize(path.replaceAll('\\', '/')).replace(/^\.\//, '');

/** A production file: under shared/, electron/ or renderer/, and not a test. */
export function isProduction(path) {
  const p = normalize(path);
  return PRODUCTION_ROOTS.some((root) => under(root)(p)) && !TEST_FILE.test(p);
}

/** Under testing/ (the test support code that production must never import). */
export const isTesting = (path) => under('testing')(normalize(path));

/**
 * The layer of a repository-relative path, or undefined for one in none (tooling, tests' helpers, or a production
 * folder the table does not know yet). An extensionless path that names a folder the table knows (`shared`,
 * `electron/engine`) is that folder's index.
 * @param {string} path
 * @returns {Layer | undefined}
 */
export function layerOf(path) {
  let p = normalize(path);
  if (!SOURCE_FILE.test(p) && LAYERS.some((l) => l.holds(`${p}/index.ts`) && !l.holds(p))) p = `${p}/index.ts`;
  return LAYERS.find((l) => l.holds(p));
}

/** The repository path a relative specifier names from `fromFile`, or undefined for a bare one ('zod', 'node:fs'). */
export function resolveRelative(fromFile, spec) {
  if (!spec.startsWith('.') && !spec.startsWith('/')) return undefined;
  return normalize(posix.join(posix.dirname(normalize(fromFile)), spec));
}

/** The package a bare specifier names: 'react-dom/client' → 'react-dom', '@scope/pkg/x' → '@scope/pkg', 'node:fs' stays. */
export function packageOf(spec) {
  if (spec.startsWith('node:')) return spec;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const allowsPackage = (layer, spec) => layer.packages.some((p) => (p.endsWith('*') ? spec.startsWith(p.slice(0, -1)) : p === packageOf(spec)));

/** What a layer may import, for messages. */
export const describeAllowed = (layer) => [layer.name, ...layer.may, ...layer.packages.map((p) => `'${p}'`)].join(', ');

/**
 * Checks one import of a file against the table. Returns undefined when it is allowed, or a message saying what is
 * wrong and what the file's layer may import. Files that are not production code may import anything.
 * @param {string} fromFile repository-relative path of the importing file
 * @param {string} spec     the specifier as written
 * @returns {string | undefined}
 */
export function checkImport(fromFile, spec) {
  const from = normalize(fromFile);
  if (!isProduction(from)) return undefined;
  const layer = layerOf(from);
  if (!layer) return `${from} is production code in no layer of scripts/layers.mjs: add its folder to the table`;
  const target = resolveRelative(from, spec);
  if (target === undefined) {
    if (packageOf(spec) === 'electron' && !ELECTRON_IMPORTERS.includes(from)) {
      return `${from} imports 'electron': only ${ELECTRON_IMPORTERS.join(' and ')} may`;
    }
    if (allowsPackage(layer, spec)) return undefined;
    return `${from} (layer ${layer.name}) imports '${spec}'; ${layer.name} may import: ${describeAllowed(layer)}`;
  }
  if (isTesting(target)) return `${from} is production code and imports ${target}: nothing in production imports testing/`;
  const to = layerOf(target);
  if (to === layer) return undefined;
  if (!to) {
    return `${from} (layer ${layer.name}) imports ${target}, which is in no layer; ${layer.name} may import: ${describeAllowed(layer)}`;
  }
  if (layer.may.includes(to.name)) return undefined;
  return `${from} (layer ${layer.name}) imports ${target} (layer ${to.name}); ${layer.name} may import: ${describeAllowed(layer)}`;
}
