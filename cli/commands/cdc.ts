import { cdcReport } from '../../app/cdcReport.ts';
import { cdcWorkflowInput } from '../../app/cdcWorkflowInput.ts';
import { prepareCdcOfInput } from '../../app/prepareCdcOfInput.ts';
import { startCdc } from '../../app/startCdc.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { createLogger } from '../../runtime/logger.ts';
import { workflowUiUrl } from '../../runtime/startTemporal.ts';
import { connectTemporal } from '../connectTemporal.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch cdc start|status|drop-slot <spec> [options]

Change data capture of cdc_config: the tables' changes streamed from WAL through a publication and a logical
replication slot dbarch creates and owns, published as change events to RabbitMQ routing keys or Kafka topics.

  start       checks the tables, the slot and the broker (coded errors, nothing made), creates the publication and
              slot, then starts the long-running workflow cdc:<database> (one per database; attaches if running).
              JSON: {"workflowId", "runId", "alreadyRunning", "uiUrl", "prepared"}
  status      the workflow and the slot: confirmed LSN, lag in bytes (WAL not yet published), wal_status and the
              room left before max_slot_wal_keep_size invalidates the slot. Exit 1 when the slot is missing or lost.
  drop-slot   drops the slot and publication behind an approval gate (dbarch/cdc_drop_slot; the unpublished lag
              is lost); the stream must be stopped first (dbarch cancel cdc:<database>). dbarch cdc drop-slot --help.

Options:
  --database <name>                 the database to capture (default: cdc_config.database)
  --exchange <name>                 RabbitMQ topic exchange (default dbarch.cdc)
  --max-slot-wal-keep-size <size>   start: ALTER SYSTEM SET max_slot_wal_keep_size (e.g. 10GB) on the captured server
  --format text|json
  -h, --help`;

/** `dbarch cdc start|status|drop-slot <spec>`. */
export function run(argv: string[]): Promise<number> {
  const options = { database: { type: 'string' }, exchange: { type: 'string' }, 'max-slot-wal-keep-size': { type: 'string' } } as const;
  // drop-slot (a gated procedure) has options of its own: its module parses them.
  const subVerbs = { 'drop-slot': () => import('./cdcDropSlot.ts') };
  return runVerb({ name: 'cdc', help, options, example: 'dbarch cdc start specs/platform.yaml', subVerbs }, argv, async ({ values, positionals, format, specPathsAfterAction }) => {
    const [action] = positionals;
    if (action === 'drop-slot') throw new DbarchError('DBA_USAGE', 'dbarch cdc drop-slot: name the action first', { hint: '`dbarch cdc drop-slot <spec> [options]`' });
    if (action !== 'start' && action !== 'status') {
      throw new DbarchError('DBA_USAGE', `dbarch cdc: unknown action ${action === undefined ? '(none)' : `"${action}"`}`, { hint: 'one of start, status, drop-slot: e.g. `dbarch cdc start specs/platform.yaml`' });
    }
    const paths = specPathsAfterAction(`dbarch cdc ${action} specs/platform.yaml`);
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const database = str(values.database);
    const exchange = str(values.exchange);
    const keep = str(values['max-slot-wal-keep-size']);
    const input = await cdcWorkflowInput(paths, { ...(database === undefined ? {} : { database }), ...(exchange === undefined ? {} : { exchange }), ...(keep === undefined ? {} : { maxSlotWalKeepSize: keep }) });
    if (action === 'status') {
      const temporal = await connectTemporal().catch(() => undefined);
      try {
        const report = await cdcReport(temporal?.client, input);
        if (format === 'json') console.log(JSON.stringify(report));
        else {
          const s = report.slot;
          console.log(`workflow ${report.workflowId}: ${report.workflow ?? 'not found'}${report.status === null ? '' : ` (phase ${report.status.phase})`}`);
          if (!s.exists) console.log(`slot ${s.slot}: missing`);
          else console.log(`slot ${s.slot}: ${s.active ? 'active' : 'inactive'}, confirmed ${s.confirmedLsn ?? '-'}, lag ${s.lagBytes ?? '-'} bytes, wal_status ${s.walStatus ?? '-'}, max_slot_wal_keep_size ${s.maxSlotWalKeepSize}${s.safeWalBytes === null ? '' : `, ${s.safeWalBytes} bytes before invalidation`}`);
        }
        return report.slot.exists && report.slot.walStatus !== 'lost' ? exitCodes.ok : exitCodes.failed;
      } finally {
        await temporal?.close();
      }
    }
    const prepared = await prepareCdcOfInput(input, createLogger({ level: 'error' }));
    if (format !== 'json') for (const w of prepared.warnings) console.error(`warning ${w.code}: ${w.message}`);
    return withTemporal(async (temporal) => {
      const started = await startCdc(temporal.client, input, dbarchConfig().taskQueue);
      const uiUrl = workflowUiUrl(temporal, started.workflowId) ?? null;
      if (format === 'json') console.log(JSON.stringify({ ...started, uiUrl, prepared }));
      else {
        console.log(`${started.alreadyRunning ? 'Already capturing' : 'Capturing'} ${input.tables.map((t) => `${t.table} → ${t.topic}`).join(', ')} of ${input.database} to ${input.publishTo} (slot ${prepared.slot}${prepared.createdSlot ? ', created' : ''})`);
        console.log(`workflow ${started.workflowId}  run ${started.runId}`);
        if (uiUrl) console.log(uiUrl);
      }
      return exitCodes.ok;
    });
  });
}
