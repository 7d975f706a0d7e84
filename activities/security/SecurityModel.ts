/** The object kinds dbarch grants on, and the privilege names PostgreSQL's aclexplode() reports for them. */
export type GrantTarget = 'database' | 'schema' | 'table' | 'sequence' | 'function';

/** A service login role, member of a group role. `password` is a reference (`${ENV}`), resolved on the worker. */
export interface LoginMember {
  readonly name: string;
  readonly password?: string;
}

/** One group role as desired: NOLOGIN, its privileges per object kind in its schemas, its members and parents. */
export interface DesiredRole {
  readonly name: string;
  readonly schemas: readonly string[];
  readonly grants: Readonly<Record<GrantTarget, readonly string[]>>;
  readonly members: readonly LoginMember[];
  /** Group roles (of the spec) this role is a member of. */
  readonly inherits: readonly string[];
  /** DDL refused by the event trigger for members of this role. */
  readonly noDdl: boolean;
  /** TRUNCATE never granted, and no ownership path to a table. */
  readonly noTruncate: boolean;
}

export interface DesiredPolicy {
  readonly name: string;
  readonly command: 'ALL' | 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
  /** Role names, `public` for everyone. */
  readonly roles: readonly string[];
  readonly permissive: boolean;
  readonly using?: string;
  readonly withCheck?: string;
}

export interface DesiredRowSecurity {
  readonly schema: string;
  readonly table: string;
  readonly force: boolean;
  readonly policies: readonly DesiredPolicy[];
}

/** security_config as the state the engine reconciles one database to (plain JSON: it is a step input). */
export interface SecurityModel {
  readonly roles: readonly DesiredRole[];
  readonly rowLevelSecurity: readonly DesiredRowSecurity[];
  /** What `current_user_id()` returns; the helper exists when any table has policies. */
  readonly userIdType: 'text' | 'uuid' | 'bigint' | 'integer';
}
