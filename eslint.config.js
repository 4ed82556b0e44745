// ESLint: JavaScript's and typescript-eslint's recommended rules with type information, the React hooks rules for
// renderer/, and the layer table (scripts/layers.mjs, enforced by scripts/eslint-layers.mjs). `npm run lint`.
//
// Why typescript-eslint comes from @cgvirt/tseslint (scripts/tseslint/) and not straight from the root:
// the project's `typescript` is 7.0.2, the native (Go) compiler, and its package has no JS compiler API (its main
// export is a version string; there are only `typescript/unstable/*` IPC clients). typescript-eslint 8.x needs that API
// for type information: its peer range is `typescript >=4.8.4 <6.1.0` and it fails at load under TS 7. Its experimental
// `tsgo` backend wants TS 7.1 (a 7.1.0-dev build as `@typescript/native`) and still the classic API beside it, so it
// does not help with 7.0. The ways that were tried and dropped (each was installed here):
//   - `typescript` as Microsoft's TS 6 side-by-side package (`npm:@typescript/typescript6`) and TS 7 under an alias:
//     every TS 6 package has a `tsc` bin, npm links the first one it meets, and `npx tsc` became TS 6; naming the
//     TS 7 alias `@typescript/native` breaks typescript-estree's optional peer of that name (`npm ls` fails).
//   - a TS 6 alias at the root (`typescript-api`), an `overrides` entry telling npm that typescript-eslint accepts
//     TS 7, and a Module._resolveFilename hook sending its `require('typescript')` to the alias: a false peer range, a
//     patched loader, and again two `tsc` bins at the root (after an incremental install `npx tsc` was TS 6).
// So scripts/tseslint/ is a private local package (a `file:` devDependency) that depends on typescript-eslint and on
// `typescript` ~6.0 (6.0 is the last JS release, aligned with 7.0's options and defaults). npm cannot put
// typescript-eslint at the root (its peer `typescript` there is 7), so it installs it with TS 6 inside
// scripts/tseslint/node_modules, where plain Node resolution gives it TS 6 and its bins stay out of the root's PATH.
// One `overrides` entry in package.json does the same for ts-api-utils, whose peer range (`typescript >=4.8.4`)
// admits TS 7 though it breaks under it. The root's `tsc` stays TS 7 (scripts/typecheck.mjs checks the version), no
// loader hook, `npm ls` clean. When typescript-eslint supports TS 7, depend on it at the root, drop the override and
// delete scripts/tseslint/.
//
// React hooks: only rules-of-hooks and exhaustive-deps. The plugin's other recommended rules (refs, purity,
// set-state-in-effect, ...) check what the React Compiler can compile; this project does not use the compiler, and
// they add 10 reports and 10 s to the run.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from '@cgvirt/tseslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import layers from './scripts/eslint-layers.mjs';

export default defineConfig(
  globalIgnores(['dist/', 'release/', 'test-results/', 'playwright-report/', '.cgvirt-test/', 'renderer/public/', 'scripts/tseslint/']),
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Each file is checked with the types of its runtime: the project service picks, among the projects that
        // tsconfig.json references (shared, renderer, node, dom-tests), the one that includes it.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Promises that nobody awaits or catches, and promises where a callback's void is expected (event handlers,
      // timers, emitters): the bugs the issue asked the linter to catch.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // tsc reports these already (noUnusedLocals, noUnusedParameters): one report, from the compiler.
      '@typescript-eslint/no-unused-vars': 'off',
      // Left off as noise here (counts over the tree when this config was written):
      //  - require-await (33): async methods without await are how this code implements Promise-returning
      //    interfaces (EngineApi, test doubles) and turns a throw into a rejection;
      //  - unbound-method (9): every hit is a closure-backed object whose interface uses method syntax
      //    (`{ invoke: api.invoke }`, zustand actions, hook results); none uses `this`;
      //  - no-control-regex (4): the name and path validators match NUL and control characters on purpose.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
      'no-control-regex': 'off',
    },
  },
  {
    // `any` is how tests meet their matchers (expect.any, expect.stringMatching) and JSON.parse, and how the .mjs
    // scripts (JavaScript: no declared types) see most values. Production TypeScript keeps the no-unsafe-* rules.
    files: ['**/*.test.{ts,tsx}', 'testing/**', 'e2e/**', '**/*.{js,mjs,cjs}'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  // Where each file runs (only for the JavaScript files: TypeScript's types know the globals of each runtime).
  { files: ['**/*.{js,mjs,cjs}'], languageOptions: { globals: globals.node } },

  {
    files: ['renderer/**/*.{ts,tsx}', 'testing/render-app.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },

  // The layer table, for every file (the rule itself lets tests and tooling import anything).
  { plugins: { layers }, rules: { 'layers/imports': 'error' } },
);
