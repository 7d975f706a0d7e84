import { Type, type Static } from '@sinclair/typebox';
import { durationField } from '../../schema/durationField.ts';
import { grammarString } from '../../schema/grammarString.ts';
import { namedString } from '../../schema/namedString.ts';
import { stringEnum } from '../../schema/stringEnum.ts';

export const Migrations = Type.Object(
  {
    directory: Type.String({ minLength: 1, description: 'Directory of migration files, relative to the spec file that names it.', examples: ['./migrations'] }),
    table: Type.Optional(namedString('identifier', { description: 'Ledger table of applied migrations.', default: 'dbarch_migrations' })),
    lock_timeout: Type.Optional(durationField({ description: 'How long to wait for the migration advisory lock.', default: '10s' })),
  },
  { additionalProperties: false },
);

export const Environment = Type.Object(
  {
    name: namedString('name', { description: 'Environment name; unique.', examples: ['production'] }),
    database: namedString('identifier', { description: 'Database of the environment.', examples: ['dbarch_prod'] }),
    cluster: Type.Optional(namedString('name', { description: 'Cluster (from `clusters`) serving the database.' })),
    connection: Type.Optional(grammarString('dbarch-postgres-url', { description: 'Connection reference for this environment.', examples: ['${PROD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/dbarch_prod}'] })),
    auto_migrate: Type.Optional(Type.Boolean({ description: 'Apply migrations on push without an operator starting them.', default: false })),
    backup_before_migrate: Type.Optional(Type.Boolean({ description: 'Take a backup before applying migrations.', default: true })),
    require_approval: Type.Optional(Type.Boolean({ description: 'Wait for an approval signal before applying.', default: false })),
    rollback_on_error: Type.Optional(
      Type.Union([Type.Boolean(), stringEnum(['undo', 'restore'] as const)], {
        description: 'When a migration (or the schema check after it) fails: `undo` runs the undo scripts of the batch in reverse, `restore` restores the pre-migration backup; `true` means `undo`.',
        default: false,
      }),
    ),
    protected: Type.Optional(Type.Boolean({ description: 'Treat as production for safety rules (default: true when the name is production, prod or prd).' })),
    migrations: Type.Optional(Type.String({ minLength: 1, description: 'Overrides `migrations.directory` for this environment.' })),
  },
  { additionalProperties: false },
);

export const DeploymentConfigSchema = Type.Object(
  {
    source_control: stringEnum(['github', 'gitlab', 'bitbucket', 'git', 'local'] as const, { description: 'Where the schema repository lives.' }),
    repository: Type.String({ minLength: 1, description: 'Repository holding the migrations.', examples: ['database-schemas'] }),
    branch: Type.Optional(Type.String({ minLength: 1, description: 'Branch whose pushes trigger deployments.', default: 'main' })),
    migrations: Type.Optional(Migrations),
    environments: Type.Array(Environment, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export type DeploymentConfig = Static<typeof DeploymentConfigSchema>;
