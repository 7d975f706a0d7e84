import { errorCodes } from '../../errors/registry.ts';

/** docs/errors.md: every code of the registry with what it means and what to do. */
export function generateErrorReference(): string {
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from errors/registry.ts by `npm run docs`; a test fails when this file drifts. -->',
    '',
    'Every error dbarch reports carries one of these stable codes. A code is never reused or renamed. In text output',
    'an error reads `CODE: message` followed by a hint; in JSON output it is `{"code", "message", "hint"}`. Inside',
    'workflows, an activity error becomes a Temporal `ApplicationFailure` whose `type` is the code; codes marked',
    '*not retryable* fail the activity at once instead of being retried.',
    '',
    '| code | retryable | meaning |',
    '| --- | --- | --- |',
  ];
  const codes = Object.entries(errorCodes).sort(([a], [b]) => a.localeCompare(b));
  for (const [code, info] of codes) lines.push(`| [\`${code}\`](#${code.toLowerCase()}) | ${info.retryable ? 'yes' : 'no'} | ${info.summary} |`);
  for (const [code, info] of codes) {
    lines.push('', `## ${code}`, '', info.summary, '', `**What to do:** ${info.hint}`, '', `**Retryable:** ${info.retryable ? 'yes' : 'no'}`);
  }
  return `${lines.join('\n')}\n`;
}
