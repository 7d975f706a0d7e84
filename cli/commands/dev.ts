import { join } from 'node:path';
import { pino } from 'pino';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { closeActivityDeps, createActivityDeps } from '../../activities/ActivityDeps.ts';
import { ensureDbarchSchema } from '../../activities/schema/ensureDbarchSchema.ts';
import { createActivities } from '../../plugins/createActivities.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { loadPlugins } from '../../plugins/loadPlugins.ts';
import { installTemporalLogging } from '../../runtime/installTemporalLogging.ts';
import { createLogger } from '../../runtime/logger.ts';
import { probeServices } from '../../runtime/probes/probeServices.ts';
import { serviceStartHints } from '../../runtime/probes/ServiceProbe.ts';
import { serviceUrls, serviceUrlVariables } from '../../runtime/serviceUrls.ts';
import { startTemporal, workflowUiUrl } from '../../runtime/startTemporal.ts';
import { stateDir } from '../../runtime/stateDir.ts';
import { temporalSettingsFromEnv } from '../../runtime/temporalSettings.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { createDbarchWorker } from '../../worker.ts';
import { smokeWorkflow } from '../../workflows/smokeWorkflow.ts';
import { exitCodes } from '../exitCodes.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { runDevPipelines } from '../devPipelines.ts';
import { upDevClusters } from '../../app/upDevClusters.ts';
import { startDevAlertEvaluator } from '../../app/startDevAlertEvaluator.ts';
import { startDevMonitors } from '../../app/startDevMonitors.ts';
import { applyBackupSchedule } from '../../app/applyBackupSchedule.ts';
import { applyWalCopySchedule } from '../../app/applyWalCopySchedule.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';
import { printSpecIssues } from '../printSpecIssues.ts';
import { startDevServers } from '../startDevServers.ts';

const help = `Usage: dbarch dev [spec] [--once]

Brings Database Architect up on this machine: checks PostgreSQL, Redis and RabbitMQ, starts the embedded
Temporal server (history kept in $DBARCH_STATE_DIR/temporal.sqlite, default ./.dbarch) with its Web UI, runs a
worker, and runs the example spec's main job: creates every deployment environment's database (idempotent) and
runs the migration pipeline for each; environments with require_approval wait for an approval (printed: the UI
link, the update name and JSON, and the \`dbarch approve\` command). Then serves the spec's exporter (its port, or
DBARCH_EXPORTER_PORT) and the API with the status page (127.0.0.1:8081, or DBARCH_API_PORT). Stays up until Ctrl-C.
Managed HA clusters of the spec (clusters[] with members) are brought up too (\`dbarch cluster up\`, members under
$DBARCH_CLUSTER_DIR, default <state dir>/clusters) and stopped again on exit; one that cannot come up is reported
and skipped.

  spec        the platform spec (default specs/platform.yaml)
  --once      stop after the main job instead of staying up (does not wait for approvals: exits 0 once the
              ungated environments completed and the gated ones are waiting)
  -h, --help  this text

Set TEMPORAL_ADDRESS to use an existing Temporal cluster instead of the embedded server.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('dev', argv, {
    once: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(help);
    return exitCodes.ok;
  }
  const specPath = positionals[0] ?? 'specs/platform.yaml';
  const compiled = await compileSpec([specPath]);
  if (compiled.errors.some((issue) => issue.code === 'DBA_SPEC_PATH_NOT_FOUND')) {
    throw new DbarchError('DBA_USAGE', `No spec at ${specPath}.`, { hint: 'Pass the path of a spec file or directory: `dbarch dev specs/platform.yaml`.' });
  }
  printSpecIssues(compiled, process.stderr);
  if (!compiled.valid) return exitCodes.failed;
  console.log(`✓ spec     ${specPath} is valid (revision ${compiled.revision.slice(0, 12)})`);

  const urls = serviceUrls();
  const probes = await probeServices(urls);
  const down = probes.filter((probe) => !probe.ok);
  if (down.length > 0) {
    for (const probe of down) {
      console.error(`DBA_SERVICE_UNREACHABLE: ${probe.service} at ${probe.url} did not answer (${probe.error ?? 'unknown error'}).`);
      console.error(`hint: start it with \`${serviceStartHints[probe.service]}\`, or set ${serviceUrlVariables[probe.service]}.`);
    }
    return exitCodes.failed;
  }
  for (const probe of probes) console.log(`✓ ${probe.service.padEnd(8)} ${probe.version ?? ''} at ${probe.url}`);

  const state = stateDir();
  const logFile = join(state, 'dev.log');
  const log = createLogger({ name: 'dbarch-dev', destination: pino.destination({ dest: logFile, mkdir: true, sync: false }) });
  installTemporalLogging(log);

  const settings = temporalSettingsFromEnv(process.env, state);
  console.log(settings.kind === 'embedded' ? `Starting the embedded Temporal server (history in ${settings.dbFile})…` : `Connecting to Temporal at ${settings.address}…`);
  const temporal = await startTemporal(settings, { progress: (message) => console.log(message) });
  const deps = createActivityDeps(urls, log);
  // dbarch's own tables, before anything runs: a control database that refuses them fails here, not mid-pipeline.
  await ensureDbarchSchema('control', urls.postgres, log);
  let stopClusters = async () => {};
  let stopServers = async () => {};
  try {
    // Imported once: the worker registers their steps and the planner reads their sections.
    const plugins = await loadPlugins();
    const taskQueue = dbarchConfig().taskQueue;
    const worker = await createDbarchWorker({ connection: temporal.nativeConnection, namespace: temporal.namespace, taskQueue, activities: createActivities(deps, plugins), log });
    const running = worker.run(); // resolves once Ctrl-C (or --once below) has shut the worker down
    console.log(`✓ temporal ${temporal.address} (namespace ${temporal.namespace}); worker polling "${taskQueue}"; logs in ${logFile}`);
    stopClusters = await upDevClusters(compiled.spec ?? { apiVersion: '' }, { stateDir: state, controlUrl: urls.postgres, print: (line) => console.log(line) });
    // One monitor (monitor:<cluster>) per managed cluster: kill its primary and watch the failover.
    await startDevMonitors(temporal.client, compiled.spec ?? { apiVersion: '' }, [specPath], createPluginRegistry(deps, plugins), taskQueue, urls.postgres, (line) => console.log(line));

    const workflowId = `dev-smoke-${Date.now()}`;
    console.log(`Smoke check: workflow ${workflowId} reaches every service from activities…`);
    const result = await temporal.client.workflow.execute(smokeWorkflow, { taskQueue, workflowId, args: [{}] });
    console.log(`✓ ${workflowId} completed: ${Object.entries(result.versions).map(([service, version]) => `${service} ${version}`).join(', ')}`);

    const link = workflowUiUrl(temporal, workflowId);
    if (link) console.log(`Temporal UI: ${temporal.uiUrl} — the workflow is at ${link}`);

    console.log(`Running the migration pipeline for every environment of ${specPath}…`);
    const outcomes = await runDevPipelines(temporal.client, {
      specPath,
      taskQueue,
      registry: createPluginRegistry(deps, plugins),
      print: (line) => console.log(line),
      uiLink: (id) => workflowUiUrl(temporal, id),
    });
    const waiting = outcomes.filter((o) => o.state === 'awaiting-approval').map((o) => o.environment);
    const completed = outcomes.filter((o) => o.state === 'completed').map((o) => o.environment);
    console.log(`✓ pipelines: ${completed.join(', ') || 'none'} completed${waiting.length > 0 ? `; ${waiting.join(', ')} awaiting approval` : ''}`);
    // The spec's backup and WAL copy Schedules, as `dbarch schedule apply` makes them; a problem does not stop dev.
    for (const [what, apply] of [['backup', applyBackupSchedule], ['WAL copy', applyWalCopySchedule]] as const) {
      await apply(temporal.client, [specPath], taskQueue).then(
        (s) => s && console.log(`✓ schedule ${s.scheduleId} ${s.action}: ${s.cron} (UTC); next ${s.nextRuns[0] ?? '-'}`),
        (error: unknown) => console.log(`! ${what} schedule not applied: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
    if (values.once) {
      if (waiting.length > 0) console.log(`--once: not waiting for the approval of ${waiting.join(', ')}; the workflow waits in Temporal and continues on the next start.`);
      worker.shutdown();
    } else {
      const config = dbarchConfig();
      stopServers = await startDevServers({
        specPath, client: temporal.client, taskQueue, registry: createPluginRegistry(deps, plugins), logger: log, uiUrl: temporal.uiUrl,
        apiPort: Number(process.env.DBARCH_API_PORT || 8081), exporterPort: process.env.DBARCH_EXPORTER_PORT ? Number(process.env.DBARCH_EXPORTER_PORT) : undefined, apiToken: config.apiToken, alertmanagerUrl: config.alertmanagerUrl, print: (line) => console.log(line),
      });
      await startDevAlertEvaluator(temporal.client, compiled.spec ?? { apiVersion: '' }, specPath, taskQueue, config.alertmanagerUrl, (line) => console.log(line));
      console.log('dbarch dev is ready. Press Ctrl-C to stop (history is kept for the next start).');
    }
    await running;
    console.log('Stopped.');
    return exitCodes.ok;
  } finally {
    await stopServers();
    await stopClusters();
    await closeActivityDeps(deps);
    await temporal.close();
  }
}
