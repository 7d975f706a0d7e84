import type { Client } from '@temporalio/client';
import type { CompiledSpec } from '../compiler/CompiledSpec.ts';
import { startAlertEvaluator } from './startAlertEvaluator.ts';

/**
 * `dbarch dev`'s built-in alert evaluator (alerts:<spec name>), when the spec has alert rules and no Alertmanager
 * is configured (DBARCH_ALERTMANAGER_URL): with Prometheus and Alertmanager in place the evaluator would notify
 * every alert a second time. A start that fails is reported; dev still does its main job.
 */
export async function startDevAlertEvaluator(client: Client, spec: CompiledSpec, specPath: string, taskQueue: string, alertmanagerUrl: string | undefined, print: (line: string) => void): Promise<void> {
  const rules = spec.monitoring_config?.alerting?.rules ?? [];
  if (rules.length === 0) return;
  if (alertmanagerUrl !== undefined) {
    print(`- alerts   not evaluated by dbarch: Alertmanager at ${alertmanagerUrl} delivers them (dbarch monitoring rules|alertmanager)`);
    return;
  }
  try {
    const started = await startAlertEvaluator(client, { spec: specPath }, taskQueue);
    print(`✓ alerts   ${started.workflowId}${started.alreadyRunning ? ' (already running)' : ''}: ${rules.length} rule(s) evaluated without Prometheus (dbarch monitoring evaluate ${specPath} --status)`);
  } catch (error) {
    print(`! alerts   evaluator not started: ${error instanceof Error ? error.message : String(error)}`);
  }
}
