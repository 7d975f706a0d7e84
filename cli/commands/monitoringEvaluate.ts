import { alertEvaluatorState } from '../../app/alertEvaluatorState.ts';
import { monitoringSections } from '../../app/monitoringSections.ts';
import { alertEvaluatorName, alertEvaluatorWorkflowId, startAlertEvaluator } from '../../app/startAlertEvaluator.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { workflowUiUrl } from '../../runtime/startTemporal.ts';
import type { AlertStateEntry } from '../../workflows/alertEvaluatorWorkflow.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch monitoring evaluate <spec> [--name <name>] [--interval <duration>] [--status] [--format text|json]

Starts the built-in alert evaluator for platforms without Prometheus: the long-running workflow alerts:<name>
(name: the spec file's, e.g. alerts:platform), which scrapes every cluster with the exporter's collectors on the
worker each interval (the prometheus exporter's \`interval\`, else 15s), keeps pending/firing alerts with their
\`for:\`, and notifies the spec's channels (Slack, PagerDuty Events v2, webhook) once per transition, resolves
included. Already running: prints it instead of starting a second. Stop it with \`dbarch cancel alerts:<name>\`.
--status prints its phase, firing and pending alerts instead. JSON: {"workflowId", "runId", "alreadyRunning",
"uiUrl"}, with --status the state query's answer.`;

/** `dbarch monitoring evaluate <spec>`: one durable evaluator per spec (a subcommand of cli/commands/monitoring.ts). */
export function monitoringEvaluate(argv: string[]): Promise<number> {
  const options = {
    name: { type: 'string' },
    interval: { type: 'string' },
    status: { type: 'boolean' },
  } as const;
  return runVerb({ name: 'monitoring evaluate', help, options, example: 'dbarch monitoring evaluate specs/platform.yaml' }, argv, async ({ values, positionals, format, usage }) => {
    const spec = positionals[0];
    if (spec === undefined) throw usage('name the spec file');
    const name = typeof values.name === 'string' ? values.name : alertEvaluatorName(spec);
    let intervalMs: number | undefined;
    if (values.status !== true) {
      // Refuse here, with every issue, what the worker would only refuse at its first evaluation.
      const sections = await monitoringSections([spec]);
      if (sections.monitoring_config?.alerting === undefined) throw new DbarchError('DBA_MONITORING_NO_ALERTING', `${spec}: monitoring_config has no alerting section to evaluate`);
      if (typeof values.interval === 'string') {
        const parsed = parseDuration(values.interval);
        if (!parsed.ok || parsed.value <= 0) throw new DbarchError('DBA_USAGE', `--interval ${values.interval} is not a duration`, { hint: 'e.g. `--interval 30s`' });
        intervalMs = parsed.value;
      }
    }
    return withTemporal(async (temporal) => {
      const workflowId = alertEvaluatorWorkflowId(name);
      if (values.status === true) {
        const state = await alertEvaluatorState(temporal.client, workflowId);
        if (format === 'json') console.log(JSON.stringify({ workflowId, ...state }));
        else {
          console.log(`${workflowId}  ${state.phase} · ${state.evaluations} evaluations · last ${state.lastEvaluationAt ?? 'never'} · ${state.notifications} notifications`);
          for (const condition of state.conditions) console.log(`  ${condition.type}=${condition.status} (${condition.reason}): ${condition.message}`);
          const line = (kind: string, a: AlertStateEntry) => console.log(`  ${kind} ${a.severity} ${a.summary} = ${a.value} since ${a.activeSince} ${JSON.stringify(a.labels)}`);
          state.firing.forEach((a) => line('FIRING ', a));
          state.pending.forEach((a) => line('pending', a));
          for (const rule of state.rules) console.log(`  ${rule.outcome} ${rule.name}: ${rule.reason ?? ''}`);
        }
        return exitCodes.ok;
      }
      const started = await startAlertEvaluator(temporal.client, { spec, name, ...(intervalMs === undefined ? {} : { intervalMs }) }, dbarchConfig().taskQueue);
      const uiUrl = workflowUiUrl(temporal, started.workflowId) ?? null;
      if (format === 'json') console.log(JSON.stringify({ ...started, uiUrl }));
      else {
        console.log(`${started.alreadyRunning ? 'Already evaluating' : 'Evaluating'} the alert rules of ${spec}`);
        console.log(`workflow ${started.workflowId}  run ${started.runId}`);
        if (uiUrl) console.log(uiUrl);
      }
      return exitCodes.ok;
    });
  });
}
