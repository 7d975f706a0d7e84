import { definePlugin } from '../definePlugin.ts';
import { migrationSteps } from './migrationSteps.ts';

/**
 * The migration pipeline's steps (`migrations/<step>`): lint, dry_run, test_on_staging, report, checkpoint,
 * apply, verify, undo, rollback, record_registry. The shipped procedure dbarch/migration_pipeline
 * (procedures/migration_pipeline.yaml) strings them together per environment.
 */
export const migrationsPlugin = definePlugin({
  name: 'migrations',
  version: '1.0.0',
  host: '^0.1.0',
  description: 'Flyway-compatible migrations as pipeline steps: lint, dry run, staging test, apply, verify, undo/restore rollback, schema registry.',
  defaults: { timeout: '30m', retry: { attempts: 3, initialInterval: '1s' } },
  steps: (deps) => migrationSteps(deps),
});
