// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Dependency direction is app -> server -> pipelines (ARCHITECTURE.md §3); these patterns catch the back-edges,
// whether written as relative paths or through the "@/" alias.
const importsOf = (/** @type {string[]} */ dirs) =>
  dirs.flatMap((dir) => [`@/${dir}`, `@/${dir}/*`, `**/${dir}`, `**/${dir}/*`, `../${dir}/*`]);

// Inside pipelines/ the order is strict (ARCHITECTURE.md §3): a folder imports only folders of an earlier rank,
// never a later one nor a peer of its own rank. engine/ comes before delta/ because the Delta writer and reader
// run on native DuckDB; demo/ (the demo source and its definition) needs only sources/. support/ holds what every
// folder may use (clean-up logging) and imports nothing.
const PIPELINE_ORDER = [
  ['support'],
  ['lake'],
  ['sources'],
  ['lineage', 'definition', 'demo'],
  ['engine'],
  ['delta'],
  ['quality'],
  ['cdc', 'sync'],
  ['reconcile'],
  ['runner'],
  ['cli'],
];
const ORDER_TEXT = PIPELINE_ORDER.map((rank) => rank.join(', ')).join(' → ');

// One import style across layers: server/ and app/ reach the data plane through "@/pipelines/…", and the Delta
// engine through its public surface (pipelines/delta/index.ts), so its internals can move.
const dataPlaneImports = [
  {
    regex: '^(\\.\\./)+pipelines/',
    message: 'Import pipelines/ through "@/pipelines/…" (one import style across layers).',
  },
  {
    regex: '^@/pipelines/delta/(?!write$)',
    message: 'Import the Delta engine from "@/pipelines/delta" (its index), not its internals.',
  },
];

const serverOrApp = {
  group: importsOf(['server', 'app']),
  message: 'pipelines/ is the data plane and must not import server/ or app/ (ARCHITECTURE.md §3).',
};

/** One config per pipelines/ folder refusing the folders at its own rank or later, relative or through "@/". */
const pipelineOrder = PIPELINE_ORDER.flatMap((rank, index) =>
  rank.map((dir) => {
    const later = PIPELINE_ORDER.slice(index)
      .flat()
      .filter((other) => other !== dir);
    return {
      files: [`pipelines/${dir}/**/*.{ts,tsx}`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              serverOrApp,
              {
                regex: `^(@/pipelines/|(\\.\\./)+)(${later.join('|')})(/|$)`,
                message: `pipelines/${dir}/ must not import a later folder of pipelines/ (order: ${ORDER_TEXT}; ARCHITECTURE.md §3).`,
              },
            ],
          },
        ],
      },
    };
  }),
);

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
          patterns: [serverOrApp],
        },
      ],
    },
  },
  // After the pipelines/** entry: a later config's options for the same rule replace the earlier ones.
  ...pipelineOrder,
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
            {
              regex: '^@/server/',
              message: 'Inside server/, import relatively; "@/" is for reaching another layer.',
            },
            ...dataPlaneImports,
          ],
        },
      ],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: dataPlaneImports }] },
  },
);
