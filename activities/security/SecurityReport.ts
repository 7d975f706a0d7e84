import type { SecurityChange } from './SecurityChange.ts';

/** What `security/diff` and `security/apply` return (and `dbarch security plan` prints). */
export interface SecurityReport {
  readonly database: string;
  readonly changes: readonly SecurityChange[];
  /** How many of the changes take away drift (privileges, members, policies made by hand). */
  readonly drift: number;
  /** True when the changes were carried out (apply), false for a diff. */
  readonly applied: boolean;
}
