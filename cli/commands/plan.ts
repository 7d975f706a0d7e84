import { renderPlan } from '../../plan/renderPlan.ts';
import { exitCodes } from '../exitCodes.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';
import { planFromArgs } from '../planFromArgs.ts';

const help = `Usage: dbarch plan <spec> --env <name> [--procedure <name>] [--format text|json]

Shows what \`dbarch apply\` would run, in order, with the reason for each step, the approval gates and the
compensations. Nothing is started. JSON output is the frozen plan the interpreter workflow runs.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('plan', argv, {
    env: { type: 'string' },
    procedure: { type: 'string' },
    format: { type: 'string', default: 'text' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(help);
    return exitCodes.ok;
  }
  const format = values.format === 'json' ? 'json' : 'text';
  const plan = await planFromArgs(positionals, values.env, values.procedure, format);
  console.log(format === 'json' ? JSON.stringify(plan, null, 2) : renderPlan(plan));
  return exitCodes.ok;
}
