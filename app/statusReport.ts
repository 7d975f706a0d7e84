import type { Client } from '@temporalio/client';
import { managedCluster } from '../activities/cluster/ManagedCluster.ts';
import { compileSpec } from '../compiler/compileSpec.ts';
import { clusterTopologyReport, type TopologyReport } from './clusterTopologyReport.ts';
import { firingAlertsOfEvaluator } from './firingAlertsOfEvaluator.ts';
import { latestDrills, type LatestDrill } from './latestDrills.ts';
import { planningError } from './planningError.ts';
import { platformStatus, type PlatformStatus } from './platformStatus.ts';
import { alertEvaluatorName, alertEvaluatorWorkflowId } from './startAlertEvaluator.ts';
import { withControlDatabase } from './withControlDatabase.ts';

/** A source the page could not read: the page still renders, saying which part is missing and why. */
export interface Unavailable {
  readonly unavailable: string;
}

export interface RunningWorkflow {
  readonly workflowId: string;
  readonly type: string;
  readonly startedAt: string | null;
  /** The run in the Temporal Web UI, when its address is known (TEMPORAL_UI_URL or the dev server's). */
  readonly uiUrl: string | null;
}

export interface FiringAlert {
  readonly name: string;
  readonly severity: string | null;
  readonly summary: string | null;
  readonly startsAt: string;
}

/** What the status page and `GET /api/v1/status` show: one read of every source, each bounded in time. */
export interface StatusReport {
  readonly generatedAt: string;
  readonly spec: string;
  readonly clusters: readonly (TopologyReport | (Unavailable & { readonly cluster: string }))[];
  readonly workflows: readonly RunningWorkflow[] | Unavailable;
  /** Active, unsilenced alerts in Alertmanager, else the built-in evaluator's firing alerts; undefined when neither runs. */
  readonly alerts: readonly FiringAlert[] | Unavailable | undefined;
  /** Queues, the outbox backlog and base backups, from the exporter's platform sources. */
  readonly platform: PlatformStatus | Unavailable;
  /** Per cluster, the newest completed failover and restore drill. */
  readonly drills: readonly LatestDrill[] | Unavailable;
}

export interface StatusSources {
  readonly specPath: string;
  readonly temporal: Client;
  /** The Temporal Web UI's address, for links to running workflows. */
  readonly temporalUiUrl?: string;
  /** Alertmanager's address (DBARCH_ALERTMANAGER_URL), for firing alerts. */
  readonly alertmanagerUrl?: string;
  /** Without an Alertmanager: the built-in evaluator to read firing alerts from; default alerts:<spec name>. */
  readonly alertEvaluatorId?: string;
  /** The control database holding the published topology; default DATABASE_URL. */
  readonly controlUrl?: string;
  /** Per-source time bound; default 2 s, so a hung database cannot hang the page. */
  readonly timeoutMs?: number;
}

const maxWorkflows = 50;

/**
 * Reads the spec's managed clusters (published topology beside a live check), running workflows, firing alerts,
 * queues, the outbox and base backups, and the newest drills; each source bounded, so one that hangs is shown as
 * unavailable instead of hanging the page.
 */
export async function statusReport(sources: StatusSources): Promise<StatusReport> {
  const timeoutMs = sources.timeoutMs ?? 2000;
  const compiled = await compileSpec([sources.specPath]);
  const evaluatorId = sources.alertEvaluatorId ?? alertEvaluatorWorkflowId(alertEvaluatorName(sources.specPath));
  if (!compiled.valid) throw planningError(`${sources.specPath} is not valid`, compiled.errors);
  const managed = (compiled.spec?.clusters ?? []).filter((c) => (c.members?.length ?? 0) > 0).map((c) => c.name);
  const [clusters, workflows, alerts, platform, drills] = await Promise.all([
    managed.length === 0
      ? Promise.resolve([])
      : withControlDatabase(
        (control) => Promise.all(managed.map((name) => bounded(clusterTopologyReport(control, managedCluster(compiled.spec!.clusters, name), timeoutMs), timeoutMs).catch((error: unknown) => ({ cluster: name, unavailable: reason(error) })))),
        sources.controlUrl,
      )
        .catch((error: unknown) => managed.map((name) => ({ cluster: name, unavailable: `control database: ${reason(error)}` }))),
    bounded(runningWorkflows(sources), timeoutMs).catch((error: unknown): Unavailable => ({ unavailable: `Temporal: ${reason(error)}` })),
    sources.alertmanagerUrl === undefined
      ? bounded(firingAlertsOfEvaluator(sources.temporal, evaluatorId, timeoutMs), timeoutMs).catch((error: unknown): Unavailable => ({ unavailable: `alert evaluator ${evaluatorId}: ${reason(error)}` }))
      : firingAlerts(sources.alertmanagerUrl, timeoutMs).catch((error: unknown): Unavailable => ({ unavailable: `Alertmanager: ${reason(error)}` })),
    platformStatus(sources.specPath, timeoutMs).catch((error: unknown): Unavailable => ({ unavailable: reason(error) })),
    bounded(latestDrills(sources.temporal), timeoutMs).catch((error: unknown): Unavailable => ({ unavailable: `Temporal: ${reason(error)}` })),
  ]);
  return { generatedAt: new Date().toISOString(), spec: sources.specPath, clusters, workflows, alerts, platform, drills };
}

async function runningWorkflows(sources: StatusSources): Promise<RunningWorkflow[]> {
  const namespace = sources.temporal.options.namespace;
  const found: RunningWorkflow[] = [];
  for await (const execution of sources.temporal.workflow.list({ query: 'ExecutionStatus = "Running"', pageSize: maxWorkflows })) {
    found.push({
      workflowId: execution.workflowId,
      type: execution.type,
      startedAt: execution.startTime.toISOString(),
      uiUrl: sources.temporalUiUrl === undefined ? null : `${sources.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(execution.workflowId)}`,
    });
    if (found.length >= maxWorkflows) break;
  }
  return found;
}

interface AlertmanagerAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly startsAt: string;
}

async function firingAlerts(alertmanagerUrl: string, timeoutMs: number): Promise<FiringAlert[]> {
  const url = new URL('api/v2/alerts', alertmanagerUrl.endsWith('/') ? alertmanagerUrl : `${alertmanagerUrl}/`);
  url.searchParams.set('active', 'true');
  url.searchParams.set('silenced', 'false');
  url.searchParams.set('inhibited', 'false');
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const alerts = (await response.json()) as AlertmanagerAlert[];
  return alerts.map((a) => ({ name: a.labels.alertname ?? '(unnamed)', severity: a.labels.severity ?? null, summary: a.annotations?.summary ?? a.annotations?.description ?? null, startsAt: a.startsAt }));
}

function bounded<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
