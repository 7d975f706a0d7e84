import type { CompileResult } from '../compiler/CompileResult.ts';
import { formatIssuesText } from '../compiler/format/formatIssuesText.ts';
import { readSourceText } from '../compiler/format/readSourceText.ts';

/** Prints a compile result's errors and warnings as compiler-style diagnostics (colour only on a TTY). */
export function printSpecIssues(result: Pick<CompileResult, 'errors' | 'warnings'>, stream: NodeJS.WriteStream = process.stdout): void {
  const issues = [...result.errors, ...result.warnings];
  if (issues.length === 0) return;
  const color = stream.isTTY === true && process.env.NO_COLOR === undefined;
  stream.write(`${formatIssuesText(issues, readSourceText(), { color })}\n\n`);
}
