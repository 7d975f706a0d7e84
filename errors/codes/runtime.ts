import { defineCodes } from './ErrorCodeInfo.ts';

/**
 * Codes of the durable runtime: plans (DBA_PLAN_*), the interpreter's steps (DBA_STEP_*), approval gates
 * (DBA_APPROVAL_*) and plugins (DBA_PLUGIN_*). Workflow failures carry these as their ApplicationFailure type.
 */
export const runtimeCodes = defineCodes({
  DBA_PLAN_PROCEDURE_UNKNOWN: {
    summary: 'The procedure asked for is not defined in the spec.',
    hint: 'Name one of the procedures under `procedures.definitions`, or pass --procedure when the spec defines several.',
    retryable: false,
  },
  DBA_PLAN_ENVIRONMENT_UNKNOWN: {
    summary: 'The environment asked for is not one the spec declares.',
    hint: 'Use one of the environments listed in the message.',
    retryable: false,
  },
  DBA_PLAN_STEP_UNKNOWN: {
    summary: 'A step `uses:` a plugin or plugin step that is not registered.',
    hint: 'Check the spelling against `<plugin>/<step>`; plugins load from plugins/ and from the packages named in DBARCH_PLUGINS.',
    retryable: false,
  },
  DBA_PLAN_STEP_INPUT: {
    summary: 'A step\'s `with:` does not match the input schema its plugin declares.',
    hint: 'Fix the field named in the message; docs/plugins.md lists the inputs of the built-in steps.',
    retryable: false,
  },
  DBA_PLAN_DUPLICATE_STEP_ID: {
    summary: 'Two steps of one procedure have the same id; ids name steps in status, history and approvals.',
    hint: 'Give every step of the procedure its own id.',
    retryable: false,
  },
  DBA_PLAN_CONDITION: {
    summary: 'A step condition refers to a step that does not run before it.',
    hint: 'Conditions may only read the output of an earlier step of the same procedure.',
    retryable: false,
  },
  DBA_PLAN_ROLE_UNKNOWN: {
    summary: 'An approval gate names a role that `procedures.roles` does not define.',
    hint: 'Define the role with its members under `procedures.roles`, or name identities directly.',
    retryable: false,
  },
  DBA_PLAN_INVALID: {
    summary: 'A plan handed to the interpreter is not a plan this version understands.',
    hint: 'Produce plans with `dbarch plan --format json` from the same dbarch version as the worker.',
    retryable: false,
  },
  DBA_STEP_FAILED: {
    summary: 'A step failed after its last attempt (or with a non-retryable error); compensations ran.',
    hint: 'See the step\'s last error in `dbarch status <id>`; fix the cause and apply again.',
    retryable: false,
  },
  DBA_STEP_SQL: {
    summary: 'PostgreSQL rejected a SQL step (syntax, constraint, permission); the SQLSTATE is in the details.',
    hint: 'Fix the statement of the step; it ran in a transaction that was rolled back.',
    retryable: false,
  },
  DBA_STEP_SQL_TRANSIENT: {
    summary: 'A SQL step failed for a transient reason (deadlock, serialization failure, lost connection, lock timeout).',
    hint: 'It is retried by its retry policy; the transaction was rolled back.',
    retryable: true,
  },
  DBA_STEP_CONNECTION: {
    summary: 'A step could not resolve or reach its database or endpoint.',
    hint: 'Check the `database:`/`connection:` of the step and that the referenced environment variable is set on the worker.',
    retryable: true,
  },
  DBA_STEP_WEBHOOK: {
    summary: 'A webhook answered with a client error (4xx other than 408/429); retrying the same request will not help.',
    hint: 'Check the URL, method and body of the step.',
    retryable: false,
  },
  DBA_STEP_WEBHOOK_TRANSIENT: {
    summary: 'A webhook timed out, could not be reached or answered 408, 429 or 5xx.',
    hint: 'It is retried by its retry policy.',
    retryable: true,
  },
  DBA_STEP_INTERRUPTED: {
    summary: 'A step\'s attempt was stopped before it finished because its worker shut down (or the worker reported it cancelled without the workflow asking); nothing is known about its effect.',
    hint: 'It is retried by its retry policy on another worker; steps are idempotent, so a retry finishes what the interrupted attempt began.',
    retryable: true,
  },
  DBA_STEP_CANCELLED: {
    summary: 'The workflow was cancelled; completed steps were compensated.',
    hint: 'Apply again to run the procedure from the start.',
    retryable: false,
  },
  DBA_APPROVAL_NOT_AUTHORISED: {
    summary: 'The approver holds none of the roles and is not one of the identities the gate accepts.',
    hint: 'Ask someone with one of the roles named in the message, or add the identity to the role under `procedures.roles`.',
    retryable: false,
  },
  DBA_APPROVAL_DUPLICATE: {
    summary: 'The same identity already approved this gate; each approval must come from a different person.',
    hint: 'Ask another authorised approver.',
    retryable: false,
  },
  DBA_APPROVAL_PLAN_MISMATCH: {
    summary: 'The approval names a plan hash other than the plan this workflow runs.',
    hint: 'Review the plan shown by `dbarch status <id>` and approve its hash.',
    retryable: false,
  },
  DBA_APPROVAL_NO_GATE: {
    summary: 'The workflow is not waiting at an approval gate (it passed it, or has not reached it yet).',
    hint: 'Check `dbarch status <id>`: awaitingApproval shows when a decision is wanted.',
    retryable: false,
  },
  DBA_APPROVAL_DECIDED: {
    summary: 'The gate already has an outcome (approved, rejected or timed out); a later decision cannot change it.',
    hint: 'Read the decision that settled the gate in `dbarch history <id>`; to change course, cancel the workflow or apply again.',
    retryable: false,
  },
  DBA_APPROVAL_REJECTED: {
    summary: 'An approver rejected the plan at a gate; compensations of completed steps ran.',
    hint: 'Read the rejection comment in `dbarch history <id>`, change the spec and apply again.',
    retryable: false,
  },
  DBA_APPROVAL_TIMEOUT: {
    summary: 'An approval gate timed out and its `on_timeout` is `reject`; compensations of completed steps ran.',
    hint: 'Apply again, or raise the gate\'s timeout.',
    retryable: false,
  },
  DBA_PLUGIN_NAME: {
    summary: 'A plugin name is not a lowercase identifier, or is reserved.',
    hint: 'Use lowercase letters, digits and `_`, starting with a letter (e.g. `vacuum`): the name is also the key of the plugin\'s spec section.',
    retryable: false,
  },
  DBA_PLUGIN_SECTION_UNKNOWN: {
    summary: 'A capability declares (`reads:`) a spec section that does not exist.',
    hint: 'Name built-in sections only (docs/spec.md lists them); a plugin brings a section of its own through `configSchema`.',
    retryable: false,
  },
  DBA_PLUGIN_INVALID: {
    summary: 'A module does not export a plugin made with definePlugin, or a field of the plugin is malformed.',
    hint: 'Export `definePlugin({ name, version, host, steps })` as the default export; docs/plugins.md shows a complete plugin.',
    retryable: false,
  },
  DBA_PLUGIN_HOST_INCOMPATIBLE: {
    summary: 'The plugin requires a dbarch version range that this dbarch does not satisfy.',
    hint: 'Upgrade dbarch, or use a plugin version whose `host` range includes this version.',
    retryable: false,
  },
  DBA_PLUGIN_DEPENDENCY: {
    summary: 'A plugin depends on a plugin that is not registered, or on a version outside the required range.',
    hint: 'Register the dependency first (plugins/ or DBARCH_PLUGINS), in a version inside the range.',
    retryable: false,
  },
  DBA_PLUGIN_DUPLICATE: {
    summary: 'Two plugins with the same name were registered.',
    hint: 'Keep one of them: remove the copy from plugins/ or from DBARCH_PLUGINS.',
    retryable: false,
  },
  DBA_PLUGIN_DUPLICATE_STEP: {
    summary: 'Two steps of a plugin have names that `uses:` cannot tell apart (they differ only in case, `-` or `_`).',
    hint: 'Rename one of the steps.',
    retryable: false,
  },
  DBA_PLUGIN_LOAD: {
    summary: 'A plugin package or directory could not be found or imported.',
    hint: 'Install the package (npm install <name>) where the worker runs, or fix the path in DBARCH_PLUGINS.',
    retryable: false,
  },
});
