import { scan } from 'libpg-query';

/** Rules switched off for a whole file or for single statements, read from comments. */
export interface Suppressions {
  readonly file: ReadonlySet<string>;
  /** Statement index → rule ids suppressed for it. */
  readonly statements: ReadonlyMap<number, ReadonlySet<string>>;
  /** Suppression comments that name no rule or an unknown rule (character offset, message). */
  readonly problems: readonly { readonly offset: number; readonly message: string }[];
}

const directive = /^(?:--|\/\*)\s*dbarch-lint-disable-(next-statement|file)\b(.*?)(?:\*\/)?$/s;

/**
 * Reads suppression comments with PostgreSQL's own scanner, so text inside strings or dollar quotes never
 * counts as a comment:
 *   -- dbarch-lint-disable-next-statement drop-table, drop-column -- reason, shown to reviewers
 *   -- dbarch-lint-disable-file create-index-non-concurrent
 * `next-statement` applies to the first statement starting after the comment; `file` to the whole file.
 */
export async function parseSuppressions(
  sql: string,
  statementStarts: readonly number[],
  knownRules: ReadonlySet<string>,
): Promise<Suppressions> {
  const file = new Set<string>();
  const statements = new Map<number, Set<string>>();
  const problems: { offset: number; message: string }[] = [];
  const bytes = Buffer.from(sql, 'utf8');
  const ascii = bytes.length === sql.length;
  const toChar = (byteOffset: number) => (ascii ? byteOffset : bytes.subarray(0, byteOffset).toString('utf8').length);
  const { tokens } = await scan(sql);
  for (const token of tokens) {
    if (token.tokenName !== 'SQL_COMMENT' && token.tokenName !== 'C_COMMENT') continue;
    const matched = directive.exec(token.text.trim());
    if (!matched) continue;
    const [, scope, rest = ''] = matched;
    const offset = toChar(token.start);
    const ids = (rest.split(/\s--\s|\s--$/)[0] ?? '').split(/[\s,]+/).filter((id) => id !== '');
    if (ids.length === 0) {
      problems.push({ offset, message: `dbarch-lint-disable-${scope ?? ''} names no rule` });
      continue;
    }
    const unknown = ids.filter((id) => !knownRules.has(id));
    if (unknown.length > 0) problems.push({ offset, message: `unknown lint rule ${unknown.join(', ')} in suppression` });
    const known = ids.filter((id) => knownRules.has(id));
    if (scope === 'file') {
      for (const id of known) file.add(id);
      continue;
    }
    const end = toChar(token.end);
    const index = statementStarts.findIndex((start) => start >= end);
    if (index === -1) continue;
    const set = statements.get(index) ?? new Set<string>();
    for (const id of known) set.add(id);
    statements.set(index, set);
  }
  return { file, statements, problems };
}
