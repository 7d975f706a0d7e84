/**
 * A statement with the literal after each PASSWORD keyword replaced by '<redacted>': pgaudit logs CREATE/ALTER
 * ROLE as written, and its events leave the cluster (S3, Splunk HEC). Plain, E'' and dollar-quoted literals.
 */
const passwordLiteral = /\b(PASSWORD\s+)(?:[Ee]'(?:[^'\\]|\\.|'')*'|'(?:[^']|'')*'|\$([A-Za-z_][A-Za-z0-9_]*)?\$[\s\S]*?\$\2\$)/gi;

export function redactPasswords(statement: string): string {
  return statement.replace(passwordLiteral, "$1'<redacted>'");
}
