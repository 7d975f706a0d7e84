// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

/**
 * Workflow code runs in Temporal's deterministic sandbox and is replayed: it must not reach the clock, the
 * filesystem, the network or any client library. Type-only imports are allowed (they vanish at runtime).
 */
const workflowForbidden = [
  ...builtinModules,
  ...builtinModules.map((name) => `node:${name}`),
  'pg',
  'pg-*',
  'ioredis',
  'amqplib',
  'pino',
  'prom-client',
  'yaml',
  'ajv',
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/testing',
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.dbarch/**', 'tmp/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'bin/*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: workflowForbidden,
              allowTypeImports: true,
              message: 'Workflow code is replayed deterministically: move I/O into an activity and call it by name.',
            },
            {
              group: ['**/activities/**', '**/runtime/**', '**/compiler/**', '**/cli/**', '**/worker.ts'],
              allowTypeImports: true,
              message: 'Workflows may import only types from host code; call activities through proxyActivities.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
