import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'action/dist/', 'dutybound-report/', 'coverage/', '.scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error', 'warn'] }],
      // A large list spread into a call overflows the stack ("Maximum call stack size exceeded"):
      // use appendAll / concatAll / maxOf / minOf from src/model/collections.ts.
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name=/^(push|unshift|concat|splice)$/] > SpreadElement",
          message: 'Spreading a list into push/unshift/concat/splice overflows the stack on large lists: use appendAll or concatAll (src/model/collections.ts).',
        },
        {
          selector: "CallExpression[callee.object.name='Math'] > SpreadElement",
          message: 'Math.max(...list)/Math.min(...list) overflow the stack on large lists: use maxOf or minOf (src/model/collections.ts).',
        },
        {
          selector: "CallExpression[callee.object.name='String'][callee.property.name='fromCharCode'] > SpreadElement",
          message: 'String.fromCharCode(...list) overflows the stack on large lists.',
        },
      ],
    },
  },
  { files: ['src/cli.ts', 'src/commands/**', 'test/bench/**', 'scripts/**'], rules: { 'no-console': 'off' } },
);
