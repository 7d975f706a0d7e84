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

/** A service login role, member of a group role; the password is a reference, set when dbarch creates or changes it. */
export const RoleMember = Type.Object(
  {
    name: namedString('identifier', { description: 'Login role name.', examples: ['orders_service'] }),
    password: Type.Optional(grammarString('dbarch-secret', { description: 'Login password, as a reference only.', examples: ['${ORDERS_DB_PASSWORD}'] })),
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
    password: Type.Optional(grammarString('dbarch-secret', { description: 'Login password, as a reference only: of the role\'s members that give none of their own (the role itself is a NOLOGIN group role).', examples: ['${APP_DB_PASSWORD}'] })),
    members: Type.Optional(
      Type.Array(Type.Union([namedString('identifier'), RoleMember]), {
        description: 'Service login roles that are members of this group role (created LOGIN when missing); members granted by hand and not listed here are drift and revoked on apply.',
        examples: [['orders_service']],
      }),
    ),
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
    key_id: Type.Optional(Type.String({ minLength: 1, description: 'Key identifier in the provider. aws_kms: a key id, key ARN, alias (`alias/…`) or alias ARN; it wraps the backup data keys when base_backups.encryption_key is not given.', default: 'alias/dbarch-backups', examples: ['alias/dbarch-backups'] })),
    key_rotation: Type.Optional(durationField({ description: 'Key rotation period: how often the stored backup data keys are re-wrapped under the current key (the Temporal Schedule key-rotation:<cluster>).', examples: ['90d'] })),
    region: Type.Optional(namedString('region', { description: 'aws_kms: the key\'s region (else the key ARN\'s, else AWS_REGION on the worker).', examples: ['eu-west-2'] })),
    endpoint: Type.Optional(Type.String({ minLength: 1, description: 'aws_kms: a non-AWS or VPC endpoint (local-kms in tests); env references allowed, resolved on the worker (else AWS_ENDPOINT_URL_KMS).', examples: ['${KMS_ENDPOINT}'] })),
  },
  { additionalProperties: false },
);

export const InTransit = Type.Object(
  {
    tls_version: Type.Unsafe<number | string>({ type: ['number', 'string'], description: 'Minimum TLS version: 1.2 or 1.3.', examples: [1.3] }),
    cipher_suites: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: 'Allowed cipher suites (IANA names), valid for the TLS version.', examples: [['TLS_AES_256_GCM_SHA384']] })),
    require: Type.Optional(Type.Boolean({ description: 'Refuse unencrypted connections.', default: true })),
    internal_ca: Type.Optional(
      grammarString('dbarch-secret', {
        description: 'Not in the seed: where dbarch keeps its internal CA (PEM key and certificate) that signs the managed clusters\' server certificates and the service roles\' client certificates. `file://` is created on first use; `${ENV}` is filled from `dbarch tls init-ca`. Without it, dbarch configures no TLS.',
        examples: ['file:///var/lib/dbarch/tls/internal-ca.pem'],
      }),
    ),
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
    s3: Type.Optional(
      Type.Object(
        { destination: grammarString('dbarch-destination', { description: 'Where the collector puts audit objects (`audit/YYYY/MM/DD/<cluster>/…` below it); endpoint and keys from the worker\'s AWS environment.', examples: ['s3://audit-logs/postgres/'] }) },
        { additionalProperties: false, description: 'The `s3` log target (required when log_targets has s3).' },
      ),
    ),
    splunk: Type.Optional(
      Type.Object(
        {
          url: Type.String({ minLength: 1, description: 'HTTP Event Collector base URL (the collector POSTs to `<url>/services/collector/event`); env references allowed.', examples: ['${SPLUNK_HEC_URL:-https://splunk.example.com:8088}'] }),
          token: grammarString('dbarch-secret', { description: 'HEC token, as a reference only (sent as `Authorization: Splunk <token>`).', examples: ['${SPLUNK_HEC_TOKEN}'] }),
          index: Type.Optional(Type.String({ minLength: 1, description: 'Splunk index of the events (default: the token\'s).', examples: ['postgres_audit'] })),
        },
        { additionalProperties: false, description: 'The `splunk` log target (required when log_targets has splunk).' },
      ),
    ),
    spool_max_bytes: Type.Optional(Type.Integer({ minimum: 65536, description: 'Bound of the on-disk spool of each target while it is down; reading the server log pauses (nothing is dropped) when a spool is full.', default: 268435456 })),
  },
  { additionalProperties: false },
);

/**
 * Not in the seed ("approvals that prove who approved"): the identity provider that signs approval tokens. Gates of
 * protected environments then accept only decisions carrying a token that verifies here; roles come from its claims.
 */
export const ApprovalsJwt = Type.Object(
  {
    issuer: Type.String({ minLength: 1, description: 'Required `iss` claim.', examples: ['https://login.example.com/'] }),
    audience: Type.String({ minLength: 1, description: 'Required `aud` claim.', examples: ['dbarch-approvals'] }),
    jwks_url: Type.Optional(Type.String({ minLength: 1, description: 'Where the signing keys are published (JWKS); env references allowed.', examples: ['https://login.example.com/.well-known/jwks.json'] })),
    public_key: Type.Optional(grammarString('dbarch-secret', { description: 'Or one PEM public key (SPKI), as a reference only.', examples: ['${APPROVAL_JWT_PUBLIC_KEY}'] })),
    algorithms: Type.Optional(Type.Array(stringEnum(['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'] as const), { minItems: 1, description: 'Signature algorithms accepted.', default: ['RS256', 'ES256', 'EdDSA'] })),
  },
  { additionalProperties: false },
);

export const Approvals = Type.Object(
  {
    jwt: ApprovalsJwt,
    identity_claim: Type.Optional(Type.String({ minLength: 1, description: 'Claim naming the approver (matched against a gate\'s `identities`, recorded as who approved).', default: 'sub', examples: ['email'] })),
    roles_claim: Type.Optional(Type.String({ minLength: 1, description: 'Claim listing the approver\'s roles (matched against a gate\'s `roles`); a dot path reaches nested claims.', default: 'roles', examples: ['realm_access.roles'] })),
    require_mfa: Type.Optional(Type.Unsafe<boolean | string[]>({ type: ['boolean', 'array'], items: { type: 'string', minLength: 1 }, description: 'Approvals needing a second factor in the token\'s `amr`: true for all, or the gate roles that need it. Roles of `authorization.roles` with `require_mfa: true` need it too.', default: false, examples: [['dba']] })),
    mfa_methods: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: '`amr` values that count as a second factor.', default: ['mfa', 'otp', 'hwk'] })),
    max_token_age: Type.Optional(durationField({ description: 'Refuse tokens issued (`iat`) longer ago than this, even if not expired.', examples: ['15m'] })),
    environments: Type.Optional(Type.Array(namedString('name'), { minItems: 1, description: 'Environments whose approvals must carry a token (default: the protected ones of deployment_config).' })),
  },
  { additionalProperties: false },
);

/** One policy of a table: CREATE POLICY <name> ON <table> [AS …] [FOR <command>] [TO <roles>] USING (…) WITH CHECK (…). */
export const RowPolicy = Type.Object(
  {
    name: namedString('identifier', { description: 'Policy name; unique per table.', examples: ['user_isolation'] }),
    using: Type.Optional(Type.String({ minLength: 1, description: 'Which existing rows are visible (a boolean SQL expression).', examples: ['user_id = current_user_id()'] })),
    with_check: Type.Optional(Type.String({ minLength: 1, description: 'Which new or changed rows are allowed (a boolean SQL expression).', examples: ['user_id = current_user_id()'] })),
    command: Type.Optional(stringEnum(['ALL', 'SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const, { description: 'Commands the policy applies to.', default: 'ALL' })),
    roles: Type.Optional(Type.Array(namedString('identifier'), { minItems: 1, description: 'Roles the policy applies to (roles of authorization.roles, or `public`).', default: ['public'] })),
    permissive: Type.Optional(Type.Boolean({ description: 'Permissive policies are OR-ed, restrictive ones AND-ed.', default: true })),
  },
  { additionalProperties: false },
);

/** Not in the seed's YAML (its SQL shows the policies): row-level security of one table, as code. */
export const RowSecurityTable = Type.Object(
  {
    table: namedString('table', { description: 'The table (`schema.table`, default schema public).', examples: ['users'] }),
    force: Type.Optional(Type.Boolean({ description: 'FORCE ROW LEVEL SECURITY: the policies bind the table owner too.', default: true })),
    policies: Type.Array(RowPolicy, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const RowLevelSecurity = Type.Object(
  {
    user_id_type: Type.Optional(stringEnum(['text', 'uuid', 'bigint', 'integer'] as const, { description: 'What `current_user_id()` returns: the setting `dbarch.user_id` (set per request by the data-plane client) cast to this type; NULL when unset.', default: 'text' })),
    tables: Type.Array(RowSecurityTable, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const SecurityConfigSchema = Type.Object(
  {
    authentication: Type.Optional(Authentication),
    authorization: Type.Optional(Authorization),
    encryption: Type.Optional(Type.Object({ at_rest: Type.Optional(AtRest), in_transit: Type.Optional(InTransit) }, { additionalProperties: false })),
    audit_logging: Type.Optional(AuditLogging),
    approvals: Type.Optional(Approvals),
    row_level_security: Type.Optional(RowLevelSecurity),
  },
  { additionalProperties: false },
);

export type SecurityConfig = Static<typeof SecurityConfigSchema>;
