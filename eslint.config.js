// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Dependency direction is app -> server -> pipelines (ARCHITECTURE.md §3); these patterns catch the back-edges,
// whether written as relative paths or through the "@/" alias.
const importsOf = (/** @type {string[]} */ dirs) =>
  dirs.flatMap((dir) => [`@/${dir}`, `@/${dir}/*`, `**/${dir}`, `**/${dir}/*`, `../${dir}/*`]);

export default tseslint.config(
  { ignores: ['node_modules/**', '.next/**', 'data/**', 'public/**', 'next-env.d.ts', 'bench-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-undef': 'off',
    },
  },
  {
    files: ['pipelines/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: importsOf(['server', 'app']),
              message:
                'pipelines/ is the data plane and must not import server/ or app/ (ARCHITECTURE.md §3).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: importsOf(['app']),
              message: 'server/ must not import app/ (ARCHITECTURE.md §3).',
            },
          ],
        },
      ],
    },
  },
);
