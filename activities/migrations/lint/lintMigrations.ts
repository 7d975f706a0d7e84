import type { SqlError } from 'libpg-query';
import { DbarchError } from '../../../errors/DbarchError.ts';
import { readMigrationSet } from '../loadMigrations.ts';
import type { MigrationSource } from '../MigrationSource.ts';
import type { SqlStatement } from '../splitStatements.ts';
import { splitStatements } from '../splitStatements.ts';
import { sourceOffset, substitutePlaceholders } from '../substitutePlaceholders.ts';
import { textPosition } from '../textPosition.ts';
import { emptyFileLintState, trackStatement } from './FileLintState.ts';
import type { LintFinding, LintSeverity } from './LintRule.ts';
import { driverRules, lintRules } from './lintRules.ts';
import { parseSuppressions } from './parseSuppressions.ts';

export interface LintMigrationsInput {
  readonly source: MigrationSource;
  /**
   * Placeholder values of one environment. When given, an unknown placeholder is a finding; when omitted,
   * every `${name}` is read as a neutral identifier so the SQL can still be parsed.
   */
  readonly placeholders?: Readonly<Record<string, string>> | null;
  /** Per-rule severity overrides, e.g. `{ "rename": "off", "create-index-non-concurrent": "error" }`. */
  readonly rules?: Readonly<Record<string, LintSeverity | 'off'>>;
}

export interface LintReport {
  /** True when no finding has severity error. */
  readonly ok: boolean;
  readonly files: number;
  readonly statements: number;
  readonly counts: Readonly<Record<LintSeverity, number>>;
  /** Sorted by script, line, column. */
  readonly findings: readonly LintFinding[];
}

const allRuleIds = new Set([...lintRules.map((r) => r.meta.id), ...Object.keys(driverRules)]);

/**
 * Lints every script of a source offline: PostgreSQL's parser (libpg-query) reads the SQL, statement rules
 * look at the AST, suppression comments switch rules off per statement or per file. Never throws for
 * problems in the files: they are findings, all of them at once.
 */
export async function lintMigrations(input: LintMigrationsInput): Promise<LintReport> {
  for (const id of Object.keys(input.rules ?? {})) {
    if (!allRuleIds.has(id)) throw new DbarchError('DBA_CONFIG_INVALID', `Unknown lint rule "${id}" in rule overrides`, { details: { rule: id } });
  }
  const severityOf = (id: string, fallback: LintSeverity) => input.rules?.[id] ?? fallback;
  const findings: LintFinding[] = [];
  const add = (finding: Omit<LintFinding, 'severity' | 'hint'> & { hint?: string }, defaultSeverity: LintSeverity) => {
    const severity = severityOf(finding.ruleId, defaultSeverity);
    if (severity === 'off') return;
    findings.push({ ...finding, severity, hint: finding.hint ?? driverRules[finding.ruleId]?.hint ?? '' });
  };

  const { set, problems } = await readMigrationSet(input.source);
  for (const problem of problems) {
    add({ ruleId: 'invalid-file', code: problem.code, script: problem.script, line: problem.line, column: 1, message: problem.message, statement: null }, 'error');
  }
  let statementCount = 0;
  const files = [...set.versioned, ...set.repeatable, ...set.undo];
  for (const file of files) {
    const substituted = file.directives.placeholders
      ? substitutePlaceholders(file.sql, input.placeholders ?? {}, 'neutral')
      : { sql: file.sql, spans: [], unknown: [] };
    const at = (offset: number) => textPosition(file.sql, sourceOffset(substituted.spans, offset));
    if (input.placeholders) {
      for (const unknown of substituted.unknown) {
        const { line, column } = textPosition(file.sql, unknown.offset);
        add({ ruleId: 'unknown-placeholder', code: 'DBA_MIGRATION_PLACEHOLDER_UNKNOWN', script: file.script, line, column, message: `unknown placeholder \${${unknown.name}}`, statement: null }, 'error');
      }
    }
    let statements: SqlStatement[];
    try {
      statements = await splitStatements(substituted.sql);
    } catch (error) {
      const { line, column } = at((error as SqlError).sqlDetails?.cursorPosition ?? 0);
      add({ ruleId: 'syntax-error', code: 'DBA_MIGRATION_SYNTAX', script: file.script, line, column, message: (error as Error).message, statement: null }, 'error');
      continue;
    }
    statementCount += statements.length;
    const suppressions = await parseSuppressions(substituted.sql, statements.map((s) => s.start), allRuleIds);
    for (const problem of suppressions.problems) {
      const { line, column } = at(problem.offset);
      add({ ruleId: 'invalid-suppression', code: null, script: file.script, line, column, message: problem.message, statement: null }, 'warning');
    }
    const state = emptyFileLintState();
    for (const [index, statement] of statements.entries()) {
      const suppressed = suppressions.statements.get(index);
      for (const rule of lintRules) {
        if (rule.meta.kinds && !rule.meta.kinds.includes(file.kind)) continue;
        if (suppressions.file.has(rule.meta.id) || suppressed?.has(rule.meta.id)) continue;
        for (const message of rule.check({ node: statement.node, file, set, state, index, count: statements.length })) {
          const { line, column } = at(statement.start);
          add(
            { ruleId: rule.meta.id, code: null, script: file.script, line, column, message, hint: rule.meta.hint, statement: statement.text.split('\n').slice(0, 3).join('\n') },
            rule.meta.severity,
          );
        }
      }
      trackStatement(state, statement.node);
    }
  }
  findings.sort((a, b) => (a.script < b.script ? -1 : a.script > b.script ? 1 : a.line - b.line || a.column - b.column));
  const counts = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return { ok: counts.error === 0, files: files.length, statements: statementCount, counts, findings };
}
