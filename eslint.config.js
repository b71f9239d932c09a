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

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', '.tools/**', '.test-output/**', '.bench/**', 'db/migrations/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: bannedInWorkflows.filter((m) => !m.includes('*')),
          patterns: [{ group: ['node:*', 'drizzle-orm/*', '../activities/*', '../db/*', '../halo/*', '../api/*'], allowTypeImports: true }],
        },
      ],
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
