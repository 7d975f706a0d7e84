import { suggestionHint } from '../didYouMean.ts';
import { grammarFail, grammarOk, type GrammarResult } from './GrammarResult.ts';
import { parseDuration } from './parseDuration.ts';

/** A schedule, normalised to a cron expression so the scheduler has one form to run. */
export interface Frequency {
  readonly cron: string;
}

const named: Readonly<Record<string, string>> = {
  hourly: '0 * * * *',
  daily: '0 0 * * *',
  weekly: '0 0 * * 0',
  monthly: '0 0 1 * *',
};

const fields = [
  { name: 'minute', min: 0, max: 59, names: [] },
  { name: 'hour', min: 0, max: 23, names: [] },
  { name: 'day of month', min: 1, max: 31, names: [] },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
] as const;

/**
 * Frequencies: a name (`hourly`, `daily`, `weekly`, `monthly`, also with `@`), `every <duration>` for whole hours
 * or minutes, or a five-field cron expression (`0 3 * * *`).
 */
export function parseFrequency(text: string): GrammarResult<Frequency> {
  const trimmed = text.trim();
  const name = trimmed.replace(/^@/, '').toLowerCase();
  const namedCron = named[name];
  if (namedCron !== undefined) return grammarOk({ cron: namedCron });
  if (trimmed.startsWith('every ')) return parseEvery(trimmed);
  const parts = trimmed.split(/\s+/);
  if (parts.length === 1) {
    return grammarFail('DBA_SPEC_FREQUENCY', `unknown frequency "${trimmed}"`, suggestionHint(name, Object.keys(named)));
  }
  if (parts.length !== 5) {
    return grammarFail('DBA_SPEC_FREQUENCY', `cron expression "${trimmed}" has ${parts.length} fields; 5 are needed (minute hour day-of-month month day-of-week)`);
  }
  for (const [i, part] of parts.entries()) {
    const field = fields[i]!;
    const problem = cronFieldProblem(part, field.min, field.max, field.names);
    if (problem !== undefined) return grammarFail('DBA_SPEC_FREQUENCY', `cron ${field.name} field "${part}" in "${trimmed}": ${problem}`);
  }
  return grammarOk({ cron: parts.join(' ') });
}

function parseEvery(text: string): GrammarResult<Frequency> {
  const d = parseDuration(text.slice('every '.length));
  if (!d.ok) return grammarFail('DBA_SPEC_FREQUENCY', `"${text}": ${d.message}`, d.hint);
  const minutes = d.value / 60_000;
  if (Number.isInteger(minutes) && minutes >= 1 && minutes < 60 && 60 % minutes === 0) return grammarOk({ cron: `*/${minutes} * * * *` });
  const hours = d.value / 3_600_000;
  if (Number.isInteger(hours) && hours >= 1 && hours <= 24 && 24 % hours === 0) return grammarOk({ cron: hours === 24 ? '0 0 * * *' : `0 */${hours} * * *` });
  return grammarFail('DBA_SPEC_FREQUENCY', `"${text}" does not divide an hour or a day evenly`, 'use e.g. `every 15m`, `every 6h`, or a cron expression');
}

function cronFieldProblem(part: string, min: number, max: number, names: readonly string[]): string | undefined {
  for (const element of part.split(',')) {
    const m = /^(\*|([0-9A-Za-z]+)(?:-([0-9A-Za-z]+))?)(?:\/(\d+))?$/.exec(element);
    if (m === null) return `"${element}" is not \`*\`, a number, a range or a step`;
    if (m[4] !== undefined && Number(m[4]) < 1) return 'a step must be at least 1';
    for (const bound of [m[2], m[3]]) {
      if (bound === undefined) continue;
      const index = names.indexOf(bound.toUpperCase());
      const value = index >= 0 ? index + (min === 1 ? 1 : 0) : Number(bound);
      if (!Number.isInteger(value)) return `"${bound}" is not a number${names.length > 0 ? ' or a name' : ''}`;
      if (value < min || value > max) return `${value} is outside ${min}-${max}`;
    }
  }
  return undefined;
}
