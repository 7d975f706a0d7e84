import { loadModule, parseSync } from 'libpg-query';
import { grammarFail, grammarOk, type GrammarResult } from './GrammarResult.ts';

// Section checks are synchronous; PostgreSQL's parser (WASM) loads once when the compiler is imported.
await loadModule();

/**
 * Checks that a row-level security expression is exactly one SQL expression, with PostgreSQL's own parser: it is
 * wrapped in the CREATE POLICY that will carry it, on lines of its own (a trailing `--` comment cannot swallow the
 * closing parenthesis), and must come back as that one statement with that one clause. `true); DROP TABLE t; --` is two
 * statements, `true) WITH CHECK (false` a second clause.
 */
export function parsePolicyExpression(expression: string, clause: 'USING' | 'WITH CHECK'): GrammarResult<string> {
  const prefix = `CREATE POLICY p ON t ${clause} (\n`;
  try {
    const parsed = parseSync(`${prefix}${expression}\n)`);
    const statements = parsed.stmts ?? [];
    const policy = statements.length === 1 && statements[0]?.stmt !== undefined && 'CreatePolicyStmt' in statements[0].stmt ? statements[0].stmt.CreatePolicyStmt : undefined;
    // `true) WITH CHECK (false` is one statement too, with a clause of its own: only the asked-for clause may be there.
    if (policy === undefined || (clause === 'USING' ? policy.with_check !== undefined : policy.qual !== undefined)) {
      return grammarFail('DBA_SPEC_POLICY_SQL', `${clause} expression is not a single SQL expression: ${JSON.stringify(expression)}`);
    }
    return grammarOk(expression.trim());
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    const at = details?.cursorPosition === undefined ? '' : ` at character ${Math.max(1, details.cursorPosition - prefix.length + 1)}`;
    return grammarFail('DBA_SPEC_POLICY_SQL', `${clause} expression is not valid SQL${at}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
