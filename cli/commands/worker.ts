import { runWorkerProcess } from '../../worker.ts';
import { exitCodes } from '../exitCodes.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';

const help = `Usage: dbarch worker

Polls the task queue (DBARCH_TASK_QUEUE, default "dbarch") on TEMPORAL_ADDRESS, or on the embedded server
that \`dbarch dev\` runs on this machine. Logs JSON lines to stdout. Stops gracefully on SIGINT or SIGTERM:
in-flight activities get 10 s to finish, then are handed back to other workers.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('worker', argv, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    console.log(help);
    return exitCodes.ok;
  }
  await runWorkerProcess();
  return exitCodes.ok;
}
