import { defineCodes } from './ErrorCodeInfo.ts';

/**
 * Codes of the migration pipeline (DBA_PIPELINE_*), the plan-time deployment settings shipped procedures read
 * (DBA_PLAN_ENV_SETTING, DBA_PLAN_SHIPPED_PROCEDURE), and the HTTP API (DBA_API_*).
 */
export const pipelineCodes = defineCodes({
  DBA_PLAN_ENV_SETTING: {
    summary: 'A procedure reads a deployment setting (`{{ env.<key> }}` or `when: { env: … }`) the environment does not have, or one that is unset where a value is required (a duration).',
    hint: 'Declare the environment under `deployment_config.environments` with the setting, or use one of the keys listed in docs/procedures.md.',
    retryable: false,
  },
  DBA_PLAN_SETTING_UNSET: {
    summary: 'A procedure needs a setting of your spec that is not set (e.g. `deployment_config.migrations.directory` for the migration pipeline); reported once, at the setting\'s own path.',
    hint: 'Set the field the message names in your spec; `dbarch plan` shows which steps read it.',
    retryable: false,
  },
  DBA_PLAN_SETTING_INVALID: {
    summary: 'A setting of your spec has a value the steps that read it cannot use (e.g. a destination scheme the step does not support); reported once, at the setting\'s own path.',
    hint: 'Change the field the message names; the message says what the step accepts.',
    retryable: false,
  },
  DBA_PLAN_SHIPPED_PROCEDURE: {
    summary: 'A procedure file shipped in procedures/ is not valid procedure YAML.',
    hint: 'Fix the file named in the message (it is checked against the `procedures:` schema); a fork in your spec is not affected.',
    retryable: false,
  },
  DBA_PIPELINE_FILES_CHANGED: {
    summary: 'The migration files on the worker differ from the ones the plan was made (and approved) for.',
    hint: 'Start the pipeline again for the current files (`dbarch migrate`); an approval covers exactly the files it was given.',
    retryable: false,
  },
  DBA_PIPELINE_LINT_FAILED: {
    summary: 'Lint found errors in the migration files; nothing was applied.',
    hint: 'Run `dbarch migrate lint <spec>` to see every finding with file and line; fix them or suppress with a reason.',
    retryable: false,
  },
  DBA_PIPELINE_VERIFY_MISMATCH: {
    summary: 'The schema after applying differs from the schema the scratch copy reached in the staging test.',
    hint: 'Something changed the target between the test and the apply, or a migration behaves differently on its data; compare the catalogues in the step output.',
    retryable: false,
  },
  DBA_PIPELINE_NO_BACKUP: {
    summary: 'rollback_on_error is `restore` but no pre-migration backup was taken.',
    hint: 'Set `backup_before_migrate: true` for the environment, or use `rollback_on_error: undo`.',
    retryable: false,
  },
  DBA_PIPELINE_ROLLBACK_INCOMPLETE: {
    summary: 'The rollback ran but the database is not at its pre-migration fingerprint.',
    hint: 'Compare the catalogues in the compensation\'s output; restore from the backup named there by hand if needed.',
    retryable: false,
  },
  DBA_PIPELINE_SCRATCH: {
    summary: 'The scratch copy of the target schema for the staging test could not be built.',
    hint: 'The role must be allowed to CREATE DATABASE on the target\'s server, and pg_dump/psql must be on PATH (or DBARCH_PG_BINDIR).',
    retryable: true,
  },
  DBA_API_UNAUTHORISED: {
    summary: 'The HTTP API request has no bearer token or a wrong one.',
    hint: 'Send `Authorization: Bearer <token>` with the value of DBARCH_API_TOKEN the server was started with.',
    retryable: false,
  },
  DBA_API_BAD_REQUEST: {
    summary: 'The HTTP API request body is not what the endpoint accepts.',
    hint: 'See docs/api.md for the fields and their types.',
    retryable: false,
  },
  DBA_API_NOT_FOUND: {
    summary: 'No HTTP API endpoint at this method and path.',
    hint: 'See docs/api.md for the endpoints.',
    retryable: false,
  },
});
