import path from 'node:path';
import { defineSection } from '../../SectionDefinition.ts';
import { checkDeploymentConfig } from './checks.ts';
import { DeploymentConfigSchema } from './schema.ts';

export const deploymentConfigSection = defineSection({
  key: 'deployment_config',
  title: 'Deployment',
  description:
    'GitOps migration pipeline: the migrations directory and, per environment, its database, connection reference and safety gates (auto-migrate, backup, approval, rollback).',
  schema: DeploymentConfigSchema,
  check: checkDeploymentConfig,
  resolve(config, ctx) {
    // Activities read these directories; the compiled spec carries absolute paths so the reader needs no base.
    const abs = (dir: string) => path.resolve(ctx.baseDir, dir);
    return {
      ...config,
      ...(config.migrations === undefined ? {} : { migrations: { ...config.migrations, directory: abs(config.migrations.directory) } }),
      environments: config.environments.map((env) => (env.migrations === undefined ? env : { ...env, migrations: abs(env.migrations) })),
    };
  },
});
