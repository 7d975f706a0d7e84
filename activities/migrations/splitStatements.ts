import { loadModule, parseSync } from 'libpg-query';
import type { Node } from 'libpg-query';

/** One top-level statement: its AST and its place in the text (character offsets, not bytes). */
export interface SqlStatement {
  readonly node: Node;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Splits SQL into statements with PostgreSQL's own parser, so semicolons in strings, dollar quotes and
 * comments are handled exactly as the server does. The parser reports byte offsets; we convert them.
 * Throws the parser's SqlError (with `sqlDetails.cursorPosition`, a character offset) on bad syntax.
 */
export async function splitStatements(sql: string): Promise<SqlStatement[]> {
  // The WASM module loads once; the synchronous parse then skips a promise per file (measurably faster).
  await loadModule();
  const result = parseSync(sql);
  const bytes = Buffer.from(sql, 'utf8');
  const ascii = bytes.length === sql.length;
  const toChar = (byteOffset: number) => (ascii ? byteOffset : bytes.subarray(0, byteOffset).toString('utf8').length);
  const statements: SqlStatement[] = [];
  for (const raw of result.stmts ?? []) {
    if (!raw.stmt) continue;
    const byteStart = raw.stmt_location ?? 0;
    const byteEnd = raw.stmt_len ? byteStart + raw.stmt_len : bytes.length;
    const start = toChar(byteStart);
    const end = toChar(byteEnd);
    statements.push({ node: raw.stmt, start, end, text: sql.slice(start, end).trimEnd() });
  }
  return statements;
}
