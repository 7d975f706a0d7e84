import type { SpecIssue } from '../SpecIssue.ts';

export interface TextFormatOptions {
  /** ANSI colours; the CLI turns them on only when stdout is a TTY. */
  readonly color?: boolean;
}

/** Returns a file's text for showing source lines, or undefined when it cannot (missing, binary, too large). */
export type SourceTextLookup = (file: string) => string | undefined;

/**
 * Compiler-style text: `file:line:col severity CODE message`, the source line with a caret under the offending
 * token, the spec path, and the hint.
 */
export function formatIssuesText(issues: readonly SpecIssue[], sourceText: SourceTextLookup, options: TextFormatOptions = {}): string {
  const paint = (code: string, text: string) => (options.color === true ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines = new Map<string, string[] | undefined>();
  const lineOf = (file: string, line: number): string | undefined => {
    if (!lines.has(file)) lines.set(file, sourceText(file)?.split(/\r?\n/));
    return lines.get(file)?.[line - 1];
  };
  const blocks: string[] = [];
  for (const issue of issues) {
    const severity = issue.severity === 'error' ? paint('1;31', 'error') : paint('1;33', 'warning');
    const out = [`${paint('1', `${issue.file}:${issue.line}:${issue.column}`)} ${severity} ${paint('2', issue.code)} ${issue.message}`];
    const source = lineOf(issue.file, issue.line);
    if (source !== undefined && source.length <= 500) {
      const gutter = String(issue.line);
      const pad = ' '.repeat(gutter.length);
      const start = Math.max(0, issue.column - 1);
      const token = (/^\S+/.exec(source.slice(start))?.[0] ?? '').replace(/:$/, '');
      const caret = '^'.repeat(Math.max(1, Math.min(token.length, 80)));
      // Tabs in the prefix keep their width so the caret lines up in the terminal.
      const prefix = source.slice(0, start).replace(/[^\t]/g, ' ');
      out.push(`  ${gutter} | ${source}`);
      out.push(`  ${pad} | ${prefix}${paint(issue.severity === 'error' ? '31' : '33', caret)}`);
    }
    if (issue.path !== '') out.push(`  at ${issue.path}`);
    out.push(`  ${paint('36', 'hint:')} ${issue.hint}`);
    blocks.push(out.join('\n'));
  }
  return blocks.join('\n\n');
}
