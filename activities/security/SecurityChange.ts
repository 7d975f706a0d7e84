/**
 * One change that brings the live catalogue to the spec: what `dbarch security plan` lists and apply runs.
 * `drift` marks a change that takes away something the spec does not have (a privilege, member or policy made by
 * hand). `sql` never holds a secret: a password is set from `passwordReference`, resolved only when applying.
 */
export interface SecurityChange {
  readonly kind: 'role' | 'membership' | 'grant' | 'revoke' | 'default_privileges' | 'restriction' | 'row_security' | 'policy' | 'helper';
  readonly sql: string;
  readonly drift: boolean;
  readonly passwordReference?: string;
}
