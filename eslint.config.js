// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Workflow code is replayed by Temporal and must be deterministic: no I/O, no clocks, no servers.
const bannedInWorkflows = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  'undici',
  'postgres',
  'drizzle-orm',
  'drizzle-orm/*',
  'fastify',
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
];

// Layers point one way (README, Development): config at the bottom; halo/ and db/ above it (db/ may use
// halo/'s definitions, halo/ never db/); webhooks/ above both; activities/ above those; workflows/ take only
// types from below; api/, worker/, scripts/ and bench/ on top. The Halo stand-in (standin/) is a tool beside
// them: it may use config/ and halo/'s definitions, and only test/, bench/ and scripts/ may use it.
// Each folder lists the folders it must not import.
const upperLayers = ['api', 'worker', 'scripts', 'bench', 'test'];
const layers = {
  config: ['halo', 'db', 'webhooks', 'activities', 'workflows', 'standin', ...upperLayers],
  halo: ['db', 'webhooks', 'activities', 'workflows', 'standin', ...upperLayers],
  db: ['webhooks', 'activities', 'workflows', 'standin', ...upperLayers],
  webhooks: ['activities', 'workflows', 'standin', ...upperLayers],
  activities: ['workflows', 'standin', ...upperLayers],
  workflows: ['standin'],
  api: ['standin'],
  worker: ['standin'],
  standin: ['db', 'webhooks', 'activities', 'workflows', ...upperLayers],
};
/** @param {string} folder */
const importsOf = (folder) => [`../${folder}`, `../${folder}/*`, `../../${folder}/*`];
const layerRules = Object.entries(layers).map(([folder, above]) => ({
  files: [`${folder}/**/*.ts`],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: above.filter((f) => f !== 'standin').flatMap(importsOf),
            message: `${folder}/ sits below the folders it may not import (eslint.config.js, layers).`,
          },
          {
            group: above.includes('standin') ? importsOf('standin') : [],
            message: 'Only test/, bench/ and scripts/ may use the Halo stand-in (eslint.config.js, layers).',
          },
        ].filter((pattern) => pattern.group.length > 0),
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.data/**',
      '.tools/**',
      '.test-output/**',
      '.bench/**',
      'db/migrations/**',
      'dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Fastify plugins are async by contract even when they register routes synchronously.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: bannedInWorkflows.filter((m) => !m.includes('*')),
          patterns: [
            {
              // halo/paging.ts is pure page arithmetic, deterministic like the workflows themselves.
              group: [
                'node:*',
                'drizzle-orm/*',
                '../activities/*',
                '../db/*',
                '../halo/*',
                '!../halo/paging',
                '../api/*',
              ],
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  ...layerRules,
  {
    // Tests read JSON answers loosely on purpose; the assertions are what check their shape.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The web page: plain browser ES modules served as they are, outside the TypeScript project.
    files: ['web/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'location',
          'history',
          'sessionStorage',
          'fetch',
          'URL',
          'URLSearchParams',
          'Node',
          'CustomEvent',
          'HashChangeEvent',
          'MutationObserver',
          'AbortController',
          'setTimeout',
          'clearTimeout',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
);
