import { relayWorkflowInput } from '../../app/relayWorkflowInput.ts';
import { startRelay } from '../../app/startRelay.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { workflowUiUrl } from '../../runtime/startTemporal.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch relay <spec> [--database <name>] [--format text|json]

Starts the transactional-outbox relay of queue_config.outbox: the long-running workflow relay:<database>, which
publishes dbarch.outbox_events to the outbox exchange with windowed publisher confirms and deletes rows once
confirmed. One relay per database: if it is already running, prints it instead of starting a second.
Stop it with \`dbarch cancel relay:<database>\`. JSON: {"workflowId", "runId", "alreadyRunning", "uiUrl"}.

Options:
  --database <name>   the database to relay (default: queue_config.outbox.database)
  --format text|json
  -h, --help`;

/** `dbarch relay <spec>`: one durable outbox relay per database. */
export function run(argv: string[]): Promise<number> {
  return runVerb({ name: 'relay', help, options: { database: { type: 'string' } }, example: 'dbarch relay specs/platform.yaml' }, argv, async ({ values, format, specPaths }) => {
    const input = await relayWorkflowInput(specPaths(), values.database);
    return withTemporal(async (temporal) => {
      const started = await startRelay(temporal.client, input, dbarchConfig().taskQueue);
      const uiUrl = workflowUiUrl(temporal, started.workflowId) ?? null;
      if (format === 'json') console.log(JSON.stringify({ ...started, uiUrl }));
      else {
        console.log(`${started.alreadyRunning ? 'Already relaying' : 'Relaying'} the outbox of ${input.database} to exchange ${input.exchange}`);
        console.log(`workflow ${started.workflowId}  run ${started.runId}`);
        if (uiUrl) console.log(uiUrl);
      }
      return exitCodes.ok;
    });
  });
}
