import type { MigrationDirectives } from './MigrationFile.ts';

export interface DirectiveProblem {
  readonly line: number;
  readonly message: string;
}

const directiveLine = /^--\s*dbarch:([a-z-]+)(?:\s+(.*?))?\s*$/;
const duration = /^\d+\s*(?:us|ms|s|min|h|d)?$/;

/**
 * Reads `-- dbarch:<name> [value]` lines from the file's header (the comment and blank lines before the
 * first statement). Only the header counts, so a directive-like line inside a function body is never read.
 */
export function parseDirectives(sql: string): { directives: MigrationDirectives; problems: DirectiveProblem[] } {
  let transaction = true;
  let placeholders = true;
  let lockTimeout: string | null = null;
  let statementTimeout: string | null = null;
  const problems: DirectiveProblem[] = [];
  const lines = sql.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    if (line === '') continue;
    if (!line.startsWith('--')) break;
    const matched = directiveLine.exec(line);
    if (!matched) continue;
    const [, name = '', value = ''] = matched;
    const lineNumber = index + 1;
    switch (name) {
      case 'no-transaction':
        transaction = false;
        break;
      case 'no-placeholders':
        placeholders = false;
        break;
      case 'lock-timeout':
      case 'statement-timeout':
        if (!duration.test(value)) {
          problems.push({ line: lineNumber, message: `dbarch:${name} needs a duration such as 5s, 500ms or 2min, not "${value}"` });
        } else if (name === 'lock-timeout') {
          lockTimeout = value.replace(/\s+/g, '');
        } else {
          statementTimeout = value.replace(/\s+/g, '');
        }
        break;
      default:
        problems.push({ line: lineNumber, message: `unknown directive dbarch:${name}` });
    }
  }
  return { directives: { transaction, placeholders, lockTimeout, statementTimeout }, problems };
}
