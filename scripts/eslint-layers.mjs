// A local ESLint plugin with one rule, `layers/imports`: every import, export-from, dynamic import() and
// `import x = require()` of a production file must follow the layer table in scripts/layers.mjs (the same table the
// architecture test reads; docs/ARCHITECTURE.md explains it). The message names the file's layer and what it may import.
import { relative, resolve } from 'node:path';
import { checkImport } from './layers.mjs';

/** The repository root: the table's paths are relative to it, whatever directory ESLint runs in. */
const root = resolve(import.meta.dirname, '..');

/** @type {import('eslint').Rule.RuleModule} */
const imports = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the layer table in scripts/layers.mjs' },
    schema: [],
    messages: { layer: '{{message}}' },
  },
  create(context) {
    const file = relative(root, context.filename).replaceAll('\\', '/');
    if (file.startsWith('..')) return {};
    /** @param {{ type: string, value?: unknown } | null | undefined} source */
    const check = (source) => {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const message = checkImport(file, source.value);
      if (message) context.report({ node: source, messageId: 'layer', data: { message } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSImportEqualsDeclaration: (node) => {
        if (node.moduleReference.type === 'TSExternalModuleReference') check(node.moduleReference.expression);
      },
    };
  },
};

export default { meta: { name: 'cgvirt-layers' }, rules: { imports } };
