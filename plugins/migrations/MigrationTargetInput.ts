/** What every migrations/* step is given (the shipped pipeline fills it from `{{ env.* }}`). */
export interface MigrationTargetInput {
  /** Connection reference (`${ENV:-url}`), resolved on the worker; default DATABASE_URL. */
  readonly connection?: string;
  readonly database: string;
  /** Absolute migrations directory. */
  readonly directory: string;
  /** Relative path → sha256 the plan was made for; when given, other files on disk refuse the step. */
  readonly files?: Readonly<Record<string, string>>;
  /** Schema of the engine's history table; default `dbarch_history`. */
  readonly history_schema?: string;
  /** Wait for another migrator's lock at most this long: a dbarch duration (e.g. `10s`, `5m`; PostgreSQL's `5min` is not one). */
  readonly lock_timeout?: string;
  readonly placeholders?: Readonly<Record<string, string>>;
}

const identifier = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_$]*$' };

/** JSON Schema of MigrationTargetInput's properties; steps add their own. */
export const migrationTargetProperties = {
  connection: { type: 'string', minLength: 1 },
  database: { type: 'string', minLength: 1 },
  directory: { type: 'string', minLength: 1 },
  files: { type: 'object', additionalProperties: { type: 'string' } },
  history_schema: identifier,
  lock_timeout: { type: 'string', minLength: 1 },
  placeholders: { type: 'object', additionalProperties: { type: 'string' } },
} as const;

export function migrationStepSchema(extra: Record<string, object> = {}, required: readonly string[] = ['database', 'directory']): object {
  return { type: 'object', additionalProperties: false, required, properties: { ...migrationTargetProperties, ...extra } };
}
