import { inspectLiveState } from '../../app/inspectLiveState.ts';
import { renderPlan } from '../../plan/renderPlan.ts';
import { exitCodes } from '../exitCodes.ts';
import { planCommand } from '../planCommand.ts';
import { renderLiveState } from '../renderLiveState.ts';

const help = `Usage: dbarch plan <spec> --env <name> [--procedure <name>] [--format text|json] [--offline]

Shows what \`dbarch apply\` would run, in order, with the reason for each step, the approval gates and the
compensations. Nothing is started. JSON output is the frozen plan the interpreter workflow runs.

Under the text plan, capabilities that can compare their sections with the live services show what differs now
(queue_config against RabbitMQ: missing or drifted exchanges and queues), changing nothing; one that cannot be
reached within 5 s says so. --offline skips it.`;

export async function run(argv: string[]): Promise<number> {
  const planned = await planCommand('plan', argv, help, ['offline']);
  if (!planned) return exitCodes.ok;
  if (planned.format === 'json') {
    console.log(JSON.stringify(planned.plan, null, 2));
    return exitCodes.ok;
  }
  console.log(renderPlan(planned.plan));
  if (planned.flags.offline !== true) {
    const live = renderLiveState(await inspectLiveState(planned.paths, planned.plan.environment, planned.registry));
    if (live !== '') console.log(live);
  }
  return exitCodes.ok;
}
