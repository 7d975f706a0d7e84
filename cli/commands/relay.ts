import { relayWorkflowInput } from '../../app/relayWorkflowInput.ts';
import { startRelay } from '../../app/startRelay.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { workflowUiUrl } from '../../runtime/startTemporal.ts';
import { connectTemporal } from '../connectTemporal.ts';
import { exitCodes } from '../exitCodes.ts';
import { outputFormat } from '../outputFormat.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';
import { reportError } from '../reportError.ts';

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
export async function run(argv: string[]): Promise<number> {
  let format = outputFormat(argv);
  try {
    const { values, positionals } = parseCommandArgs('relay', argv, {
      database: { type: 'string' },
      format: { type: 'string', default: 'text' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help === true) {
      console.log(help);
      return exitCodes.ok;
    }
    format = values.format === 'json' ? 'json' : 'text';
    if (positionals.length === 0) throw new DbarchError('DBA_USAGE', 'name the spec file or directory', { hint: 'e.g. `dbarch relay specs/platform.yaml`' });
    const input = await relayWorkflowInput(positionals, typeof values.database === 'string' ? values.database : undefined);
    const temporal = await connectTemporal();
    try {
      const started = await startRelay(temporal.client, input, dbarchConfig().taskQueue);
      const uiUrl = workflowUiUrl(temporal, started.workflowId) ?? null;
      if (format === 'json') console.log(JSON.stringify({ ...started, uiUrl }));
      else {
        console.log(`${started.alreadyRunning ? 'Already relaying' : 'Relaying'} the outbox of ${input.database} to exchange ${input.exchange}`);
        console.log(`workflow ${started.workflowId}  run ${started.runId}`);
        if (uiUrl) console.log(uiUrl);
      }
      return exitCodes.ok;
    } finally {
      await temporal.close();
    }
  } catch (error) {
    return reportError(error, format);
  }
}
