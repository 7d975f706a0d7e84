import { definePlugin } from '../definePlugin.ts';
import { deploymentSettingKeys, deploymentSettings } from './deploymentSettings.ts';
import { migrationSteps } from './migrationSteps.ts';

/**
 * The deployment capability: reads `deployment_config` (and `clusters`, for an environment's primary), offers
 * each environment's settings to procedures (`{{ migrations.<key> }}`, and `{{ env.<key> }}` as older procedures
 * read them), provides the pipeline's steps (`migrations/<step>`: acquire_environment, lint, dry_run,
 * test_on_staging, report, checkpoint, apply, verify, undo, rollback, record_registry, release_environment) and ships `dbarch/migration_pipeline`, which strings
 * them together per environment.
 */
export const migrationsPlugin = definePlugin({
  name: 'migrations',
  version: '1.0.0',
  host: '^0.1.0',
  description: 'Flyway-compatible migrations as pipeline steps: lint, dry run, staging test, apply, verify, undo/restore rollback, schema registry.',
  reads: ['deployment_config', 'clusters'],
  planning: {
    settings: (sections, environment) => deploymentSettings(sections, environment),
    env: Object.fromEntries(deploymentSettingKeys.map((key) => [key, key])),
  },
  procedures: [new URL('../../procedures/migration_pipeline.yaml', import.meta.url)],
  defaults: { timeout: '30m', retry: { attempts: 3, initialInterval: '1s' } },
  steps: (deps) => migrationSteps(deps),
});
