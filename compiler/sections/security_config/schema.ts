import { Type, type Static } from '@sinclair/typebox';
import { postgresPrivileges, roleRestrictions } from '../../grammar/postgresPrivileges.ts';
import { durationField } from '../../schema/durationField.ts';
import { grammarString } from '../../schema/grammarString.ts';
import { namedString } from '../../schema/namedString.ts';
import { stringEnum } from '../../schema/stringEnum.ts';

const restrictionNames = Object.keys(roleRestrictions) as (keyof typeof roleRestrictions)[];

export const Authentication = Type.Object(
  {
    method: stringEnum(['certificate', 'scram-sha-256', 'iam', 'ldap', 'gss'] as const, { description: 'How clients prove who they are (`certificate` is mTLS).' }),
    certificate_authority: Type.Optional(Type.String({ minLength: 1, description: 'CA that signs client certificates (required for `certificate`).', examples: ['internal-ca'] })),
    rotation_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: 'Credential or certificate rotation period in days.', examples: [90] })),
  },
  { additionalProperties: false },
);

export const Role = Type.Object(
  {
    name: namedString('identifier', { description: 'PostgreSQL role name; unique.', examples: ['read_only'] }),
    permissions: Type.Array(stringEnum(postgresPrivileges), { minItems: 1, description: 'PostgreSQL privileges granted.', examples: [['SELECT']] }),
    restrictions: Type.Optional(Type.Array(stringEnum(restrictionNames), { description: 'Extra limits enforced by dbarch.', examples: [['no_ddl', 'no_truncate']] })),
    require_mfa: Type.Optional(Type.Boolean({ description: 'Sessions need a second factor (through the gateway).', default: false })),
    inherits: Type.Optional(Type.Array(namedString('identifier'), { description: 'Roles (defined here) whose privileges this role inherits.' })),
    schemas: Type.Optional(Type.Array(namedString('identifier'), { description: 'Schemas the grants apply to.', default: ['public'] })),
    password: Type.Optional(grammarString('dbarch-secret', { description: 'Login password, as a reference only.', examples: ['${APP_DB_PASSWORD}'] })),
  },
  { additionalProperties: false },
);

export const Authorization = Type.Object(
  {
    model: stringEnum(['RBAC'] as const, { description: 'Access control model.' }),
    roles: Type.Array(Role, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const AtRest = Type.Object(
  {
    enabled: Type.Boolean(),
    provider: Type.Optional(stringEnum(['aws_kms', 'gcp_kms', 'azure_key_vault', 'vault', 'local'] as const, { description: 'Key management service.' })),
    key_id: Type.Optional(Type.String({ description: 'Key identifier in the provider.' })),
    key_rotation: Type.Optional(durationField({ description: 'Key rotation period.', examples: ['90d'] })),
  },
  { additionalProperties: false },
);

export const InTransit = Type.Object(
  {
    tls_version: Type.Unsafe<number | string>({ type: ['number', 'string'], description: 'Minimum TLS version: 1.2 or 1.3.', examples: [1.3] }),
    cipher_suites: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: 'Allowed cipher suites (IANA names), valid for the TLS version.', examples: [['TLS_AES_256_GCM_SHA384']] })),
    require: Type.Optional(Type.Boolean({ description: 'Refuse unencrypted connections.', default: true })),
  },
  { additionalProperties: false },
);

export const AuditLogging = Type.Object(
  {
    enabled: Type.Boolean(),
    log_targets: Type.Array(stringEnum(['splunk', 's3', 'elasticsearch', 'datadog', 'file', 'syslog', 'stdout'] as const), { minItems: 1, description: 'Where audit records go.' }),
    events: Type.Array(
      stringEnum(['DDL_COMMANDS', 'PRIVILEGE_CHANGES', 'FAILED_LOGINS', 'SUCCESSFUL_LOGINS', 'DATA_EXPORT', 'DML_WRITES', 'ROLE_CHANGES', 'CONFIG_CHANGES'] as const),
      { minItems: 1, description: 'Which events are audited.' },
    ),
  },
  { additionalProperties: false },
);

export const SecurityConfigSchema = Type.Object(
  {
    authentication: Type.Optional(Authentication),
    authorization: Type.Optional(Authorization),
    encryption: Type.Optional(Type.Object({ at_rest: Type.Optional(AtRest), in_transit: Type.Optional(InTransit) }, { additionalProperties: false })),
    audit_logging: Type.Optional(AuditLogging),
  },
  { additionalProperties: false },
);

export type SecurityConfig = Static<typeof SecurityConfigSchema>;
