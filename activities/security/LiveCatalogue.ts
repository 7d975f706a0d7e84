import type { GrantTarget } from './SecurityModel.ts';

export interface LiveRole {
  readonly name: string;
  readonly login: boolean;
  readonly superuser: boolean;
  readonly bypassRls: boolean;
}

/** A privilege a managed role holds on one object (`object` is SQL text: `"public"."users"`, `"app"`). */
export interface LivePrivilege {
  readonly target: GrantTarget;
  readonly object: string;
  readonly grantee: string;
  readonly privilege: string;
}

export interface LiveDefaultPrivilege {
  readonly schema: string;
  readonly target: 'table' | 'sequence' | 'function';
  readonly grantee: string;
  readonly privilege: string;
}

export interface LivePolicy {
  readonly name: string;
  readonly command: 'ALL' | 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
  readonly roles: readonly string[];
  readonly permissive: boolean;
  readonly using: string | null;
  readonly withCheck: string | null;
}

export interface LiveTable {
  readonly rowSecurity: boolean;
  readonly force: boolean;
  readonly policies: readonly LivePolicy[];
}

/** What the security engine reads of one database and the cluster's roles, for the roles and tables it manages. */
export interface LiveCatalogue {
  readonly database: string;
  /** The applying user: owner of the default privileges dbarch sets (the objects it creates follow them). */
  readonly currentUser: string;
  readonly serverVersion: number;
  readonly roles: ReadonlyMap<string, LiveRole>;
  /** role ← member, wherever one side is a managed role. */
  readonly memberships: readonly { readonly role: string; readonly member: string }[];
  readonly privileges: readonly LivePrivilege[];
  readonly defaults: readonly LiveDefaultPrivilege[];
  /** Objects of the managed schemas that grants expand to, as SQL text, by kind. */
  readonly objects: readonly { readonly target: 'table' | 'sequence' | 'function'; readonly schema: string; readonly object: string }[];
  readonly schemas: readonly string[];
  /** Objects in user schemas owned by a managed role or a role it belongs to. */
  readonly ownershipPaths: readonly { readonly role: string; readonly owner: string; readonly object: string }[];
  /** Source of dbarch's no_ddl event trigger function, null when the trigger does not exist (or is disabled). */
  readonly noDdlSource: string | null;
  /** Source of dbarch's no_truncate ownership guard function, null when its trigger does not exist (or is disabled). */
  readonly ownerGuardSource: string | null;
  /** Source of `current_user_id()`, null when absent. */
  readonly helperSource: string | null;
  /** RLS tables of the spec that exist, by `schema.table`. */
  readonly tables: ReadonlyMap<string, LiveTable>;
}
