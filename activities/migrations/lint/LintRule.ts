import type { Node } from 'libpg-query';
import type { ErrorCode } from '../../../errors/registry.ts';
import type { MigrationFile, MigrationKind } from '../MigrationFile.ts';
import type { MigrationSet } from '../MigrationSet.ts';
import type { FileLintState } from './FileLintState.ts';

export type LintSeverity = 'error' | 'warning' | 'info';

/** One finding; rule ids are the stable contract (tests and suppressions use them, never the message). */
export interface LintFinding {
  readonly ruleId: string;
  readonly severity: LintSeverity;
  /** Registry code for findings that are errors of the engine too (syntax, placeholders, file names). */
  readonly code: ErrorCode | null;
  readonly script: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly hint: string;
  /** The statement's first line(s), to recognise it in a report. */
  readonly statement: string | null;
}

/** What a rule sees for one top-level statement. */
export interface StatementContext {
  readonly node: Node;
  readonly file: MigrationFile;
  readonly set: MigrationSet;
  /** What earlier statements of the same file did (tables created, NOT NULL checks validated). */
  readonly state: FileLintState;
  readonly index: number;
  readonly count: number;
}

/** A lint rule: metadata plus a check that returns one message per problem in the statement. */
export interface LintRule {
  readonly meta: {
    readonly id: string;
    readonly severity: LintSeverity;
    readonly description: string;
    readonly hint: string;
    /** Script kinds the rule looks at; default all. */
    readonly kinds?: readonly MigrationKind[];
  };
  check(context: StatementContext): string[];
}
