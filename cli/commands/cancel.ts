import { DbarchError } from '../../errors/DbarchError.ts';
import { exitCodes } from '../exitCodes.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch cancel <workflow-id>

Requests cancellation: the running step is cancelled, the compensations of completed steps run, and the
workflow ends as Cancelled. Returns once the request is accepted; \`dbarch status\` shows the compensation.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('cancel', argv, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    console.log(help);
    return exitCodes.ok;
  }
  const workflowId = positionals[0];
  if (!workflowId) throw new DbarchError('DBA_USAGE', 'dbarch cancel needs a workflow id');
  return withTemporal(async (temporal) => {
    await temporal.client.workflow.getHandle(workflowId).cancel();
    console.log(`Cancellation requested for ${workflowId}`);
    return exitCodes.ok;
  });
}
