// typescript-eslint, resolved from this folder so that its `require('typescript')` finds the TypeScript 6 beside it
// (the JS compiler API) rather than the project's TypeScript 7. Why: eslint.config.js.
export { default } from 'typescript-eslint';
