import { renderPlan } from '../../plan/renderPlan.ts';
import { exitCodes } from '../exitCodes.ts';
import { planCommand } from '../planCommand.ts';

const help = `Usage: dbarch plan <spec> --env <name> [--procedure <name>] [--format text|json]

Shows what \`dbarch apply\` would run, in order, with the reason for each step, the approval gates and the
compensations. Nothing is started. JSON output is the frozen plan the interpreter workflow runs.`;

export async function run(argv: string[]): Promise<number> {
  const planned = await planCommand('plan', argv, help);
  if (!planned) return exitCodes.ok;
  console.log(planned.format === 'json' ? JSON.stringify(planned.plan, null, 2) : renderPlan(planned.plan));
  return exitCodes.ok;
}
