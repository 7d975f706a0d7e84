// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
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

/**
 * The layering of DESIGN.md ("Layering"): which folder may not import which. Enforced with import-x's
 * no-restricted-paths: it resolves each import to a file (so `../../cli/x.ts` and `../cli/x.ts` are the same
 * thing), runs inside the ESLint that already checks every file (no second tool, config or CI step, unlike
 * dependency-cruiser), and is a maintained fork of eslint-plugin-import that supports flat config and ESLint 9.
 * Type-only imports count too: a type names a dependency as much as a value does. The one exception, workflows/
 * importing activity types for proxyActivities, is the workflow rule's (no-restricted-imports, allowTypeImports).
 *
 * Each layer is checked on its folder and on its fixture folder under test/fixtures/lint/layers/<name>/, where
 * test/lint/layering.test.ts proves each rule fires.
 */
const layers = [
  {
    name: 'activities',
    folders: ['activities'],
    forbidden: ['plugins', 'workflows'],
    because: 'activities/ are engines built from injected dependencies: the step layer (plugins/) calls them, never the other way round.',
  },
  {
    name: 'cli',
    folders: ['cli'],
    // The two verbs that host a worker are its entry points (loaded lazily by cli/commands.ts).
    except: ['cli/commands/worker.ts', 'cli/commands/dev.ts'],
    forbidden: ['worker.ts'],
    packages: ['@temporalio/worker'],
    because: 'CLI verbs call the application layer (app/); the worker host pulls in @temporalio/worker and every plugin.',
  },
  {
    name: 'api',
    folders: ['api'],
    forbidden: ['cli', 'worker.ts'],
    packages: ['@temporalio/worker'],
    because: 'the HTTP API calls the application layer (app/), as the CLI does; it never imports a CLI verb or the worker host.',
  },
  {
    name: 'app',
    folders: ['app'],
    forbidden: ['cli', 'api', 'worker.ts'],
    packages: ['@temporalio/worker'],
    because: 'the application layer is shared by the CLI and the API: it imports neither, nor the worker host.',
  },
  {
    name: 'compiler',
    folders: ['compiler'],
    forbidden: ['plan', 'plugins'],
    because: 'the compiler knows the spec language only: plugins hand it their section schemas, the planner reads its output.',
  },
  {
    name: 'gateway',
    folders: ['gateway'],
    forbidden: ['cli', 'api', 'workflows', 'plugins'],
    because: 'the data plane reads activities/<capability> contracts and runtime/ only.',
  },
];

/** One config block per layer (a file is in one layer, so their rule options never override each other). */
function layerConfig({ name, folders, except = [], forbidden, packages = [], because }) {
  const targets = [...folders, `test/fixtures/lint/layers/${name}`];
  return {
    files: targets.map((folder) => `${folder}/**/*.ts`),
    ignores: except,
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver()] },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        { basePath: import.meta.dirname, zones: [{ target: targets, from: forbidden, message: `Layering: ${because}` }] },
      ],
      ...(packages.length > 0 ? { '@typescript-eslint/no-restricted-imports': ['error', { paths: packages.map((name) => ({ name, message: `Layering: ${because}` })) }] } : {}),
    },
  };
}

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
  ...layers.map(layerConfig),
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
