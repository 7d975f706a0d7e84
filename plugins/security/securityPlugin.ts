import { applySecurity } from '../../activities/security/applySecurity.ts';
import { diffSecurityLive } from '../../activities/security/diffSecurityLive.ts';
import type { SecurityReport } from '../../activities/security/SecurityReport.ts';
import type { JsonObject } from '../../plan/Plan.ts';
import type { LiveState } from '../LiveState.ts';
import { definePlugin } from '../definePlugin.ts';
import { hostVersion } from '../hostVersion.ts';
import { securityModel } from './securityModel.ts';
import type { SecurityStepInput } from './SecurityStepInput.ts';
import { securityTargetUrl } from './securityTargetUrl.ts';

const inputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['model'],
  properties: {
    model: { type: 'object', required: ['roles', 'rowLevelSecurity', 'userIdType'], properties: { roles: { type: 'array' }, rowLevelSecurity: { type: 'array' }, userIdType: { type: 'string' } } },
    connection: { type: ['string', 'null'], minLength: 1 },
    database: { type: 'string', minLength: 1 },
  },
};

function liveStateOf(report: SecurityReport): LiveState {
  return {
    summary: report.changes.length === 0
      ? `database ${report.database} matches security_config`
      : `${report.changes.length} changes to database ${report.database}${report.drift > 0 ? `, ${report.drift} of them revoking drift` : ''}; apply carries them out`,
    inSync: report.changes.length === 0,
    items: report.changes.map((change) => ({ kind: change.kind, name: change.sql, state: change.drift ? 'extra' : 'missing' })),
  };
}

const summary = (input: SecurityStepInput) =>
  `${input.model.roles.length} roles, ${input.model.rowLevelSecurity.reduce((n, t) => n + t.policies.length, 0)} RLS policies on ${input.database ?? 'the default database'}`;

/**
 * The security capability: security_config's roles and row-level security as desired state of a database.
 * `security/diff` lists the changes against the live catalogue (drift marked) and changes nothing;
 * `security/apply` makes the diff again inside one transaction and carries it out. The shipped dbarch/security
 * (procedures/security.yaml) runs diff → approval (protected environments) → apply.
 */
export const securityPlugin = definePlugin({
  name: 'security',
  version: hostVersion,
  host: '*',
  description: 'Roles, grants, default privileges, no_ddl/no_truncate and row-level security from security_config: diff and apply.',
  reads: ['security_config'],
  planning: {
    stepDefaults: (sections) => {
      const config = sections.security_config;
      if (config === undefined) return undefined;
      const defaults: JsonObject = { model: securityModel(config) as unknown as JsonObject };
      return defaults;
    },
  },
  procedures: [new URL('../../procedures/security.yaml', import.meta.url)],
  // `dbarch plan` shows what apply would change in the environment's database, drift marked (as `dbarch security plan`).
  inspect: async (sections, _environment, deps, settings) => {
    const config = sections.security_config;
    if (config === undefined || (config.authorization === undefined && config.row_level_security === undefined)) return undefined;
    const env = settings.env ?? {};
    const input: SecurityStepInput = {
      model: securityModel(config),
      ...(typeof env.connection === 'string' ? { connection: env.connection } : {}),
      ...(typeof env.database === 'string' ? { database: env.database } : {}),
    };
    return liveStateOf(await diffSecurityLive(securityTargetUrl(input, deps.urls.postgres), input.model));
  },
  defaults: {
    timeout: '5m',
    retry: { attempts: 5, initialInterval: '1s', nonRetryable: ['DBA_SECURITY_POLICY_INVALID', 'DBA_SECURITY_TABLE_MISSING', 'DBA_SECURITY_OWNERSHIP_PATH', 'DBA_SECURITY_ROLE_CONFLICT', 'DBA_SECURITY_PRIVILEGE_UNSUPPORTED', 'DBA_SECURITY_APPLY_FAILED'] },
  },
  steps: (deps) => ({
    diff: {
      input: inputSchema,
      describe: (input: SecurityStepInput) => `compare ${summary(input)} with the live catalogue`,
      run: (input: SecurityStepInput): Promise<SecurityReport> => diffSecurityLive(securityTargetUrl(input, deps.urls.postgres), input.model),
    },
    apply: {
      input: inputSchema,
      describe: (input: SecurityStepInput) => `apply ${summary(input)} in one transaction, revoking drift`,
      run: (input: SecurityStepInput): Promise<SecurityReport> => applySecurity(securityTargetUrl(input, deps.urls.postgres), input.model),
    },
  }),
});
