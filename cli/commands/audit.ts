import { specAuditInput } from '../../app/specAuditInput.ts';
import type { Client } from '@temporalio/client';
import { auditWorkflowId, startAudit } from '../../app/startAudit.ts';
import { auditStatusQuery } from '../../workflows/auditWorkflow.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { workflowUiUrl } from '../../runtime/startTemporal.ts';
import { askWorker } from '../askWorker.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch audit <spec> --cluster <name> [--status] [--format text|json]

Starts the audit collector of a managed cluster: the long-running workflow audit:<cluster>, which tails the members'
jsonlog (pgaudit DDL and ROLE records, failed logins, COPY … TO exports, as security_config.audit_logging.events
asks), and ships them to the log targets: S3 as dated objects (audit/YYYY/MM/DD/<cluster>/…) and a Splunk HTTP Event
Collector. A target that is down is spooled on disk (bounded) and retried. One collector per cluster: if it is
already running, prints it instead of starting a second. --status prints its counters instead (the workflow's
status query: events per class; per target shipped, failures, spooled, last error).
Stop it with \`dbarch cancel audit:<cluster>\`. JSON: {"workflowId", "runId", "alreadyRunning", "uiUrl"}.
The worker must run on the cluster's machine (it reads the log files).

Options:
  --cluster <name>    the managed cluster (clusters[].name with members)
  --status            print the running collector's counters; start nothing
  --format text|json
  -h, --help`;

/** `dbarch audit <spec> --cluster <name>`: one durable audit collector per cluster. */
export function run(argv: string[]): Promise<number> {
  const example = 'dbarch audit specs/platform.yaml --cluster main';
  return runVerb({ name: 'audit', help, options: { cluster: { type: 'string' }, status: { type: 'boolean' } }, example }, argv, async ({ values, format, specPaths, usage }) => {
    const cluster = values.cluster;
    if (typeof cluster !== 'string') throw usage('name the cluster with --cluster');
    if (values.status === true) return withTemporal((temporal) => printStatus(temporal.client, cluster, format));
    const input = await specAuditInput(specPaths(), cluster);
    return withTemporal(async (temporal) => {
      const started = await startAudit(temporal.client, input, dbarchConfig().taskQueue);
      const uiUrl = workflowUiUrl(temporal, started.workflowId) ?? null;
      if (format === 'json') console.log(JSON.stringify({ ...started, uiUrl }));
      else {
        const targets = [input.s3 ? `S3 ${input.s3.destination}` : undefined, input.hec ? `HEC ${input.hec.url}` : undefined].filter(Boolean).join(' and ');
        console.log(`${started.alreadyRunning ? 'Already collecting' : 'Collecting'} the audit trail of ${input.cluster} (${input.classes.join(', ')}) to ${targets}`);
        console.log(`workflow ${started.workflowId}  run ${started.runId}`);
        if (uiUrl) console.log(uiUrl);
      }
      return exitCodes.ok;
    });
  });
}

/** The collector's counters from its status query (what the exporter or an operator reads). */
async function printStatus(client: Client, cluster: string, format: 'text' | 'json'): Promise<number> {
  const workflowId = auditWorkflowId(cluster);
  const status = await askWorker(client, workflowId, () => client.workflow.getHandle(workflowId).query(auditStatusQuery));
  if (format === 'json') {
    console.log(JSON.stringify({ workflowId, ...status }));
    return exitCodes.ok;
  }
  const progress = status.progress;
  console.log(`${workflowId}  ${status.phase}${progress?.backpressure === true ? ' · reading paused (a spool is full)' : ''}`);
  if (progress === null) {
    console.log('no collector run has finished yet');
    return exitCodes.ok;
  }
  console.log(`records read ${progress.recordsRead}; events ${Object.entries(progress.events).map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`);
  for (const [name, target] of Object.entries(progress.targets)) {
    console.log(`${name}: shipped ${target.shippedEvents} events in ${target.shippedBatches} batches, ${target.failures} failures, spooled ${target.spooledBatches} batches (${target.spooledBytes} bytes)${target.lastError === null ? '' : `; last error: ${target.lastError}`}`);
  }
  return exitCodes.ok;
}
