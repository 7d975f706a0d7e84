import { Context } from '@temporalio/activity';
import type { ActivityDeps } from '../../activities/ActivityDeps.ts';
import { faultAfterCommit } from '../../activities/faultInjection.ts';
import type { SupportedChannel } from '../../activities/monitoring/AlertDestinations.ts';
import { supportedChannels } from '../../activities/monitoring/AlertDestinations.ts';
import { collectorsByName } from '../../activities/monitoring/collectorsByName.ts';
import { metricSources } from '../../activities/monitoring/metricSources.ts';
import type { AlertNotification } from '../../activities/monitoring/evaluator/AlertNotification.ts';
import { deliverAlertNotification, type AlertDelivery } from '../../activities/monitoring/evaluator/deliverAlertNotification.ts';
import { evaluateAlertRules } from '../../activities/monitoring/evaluator/evaluateAlertRules.ts';
import { instantReadings } from '../../activities/monitoring/evaluator/instantReadings.ts';
import type { RuleEvaluation } from '../../activities/monitoring/evaluator/RuleEvaluation.ts';
import { TargetScraper } from '../../activities/monitoring/TargetScraper.ts';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { parseAlertCondition } from '../../compiler/grammar/parseAlertCondition.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { alertmanagerSettings } from './alertmanagerSettings.ts';
import { alertRuleInputs } from './alertRuleInputs.ts';
import type { MonitoringSections } from './MonitoringSections.ts';
import { monitoringTargets } from './monitoringTargets.ts';
import { defaultRunbookBaseUrl } from './prometheusRules.ts';

/** What both activities read: the spec as a path on the worker, read at every call (an edited spec takes effect). */
export interface AlertEvaluatorSpec {
  readonly spec: string;
  /** Bound on one scrape of one server, ms. Default 5 s. */
  readonly scrapeTimeoutMs?: number;
}

export interface AlertEvaluation {
  /** The worker's clock when the scrape began (ms since the epoch): the workflow's only source of time for `for:`. */
  readonly at: number;
  /** The prometheus exporter's `interval` when the spec has one, else 15 s. */
  readonly intervalMs: number;
  /** alerting.repeat_interval: a still-firing alert is notified again after this long. */
  readonly repeatIntervalMs: number;
  readonly rules: readonly RuleEvaluation[];
}

export interface AlertDeliveryInput extends AlertEvaluatorSpec {
  readonly channel: SupportedChannel;
  readonly notification: AlertNotification;
}

const defaultIntervalMs = 15_000;
const defaultRepeatMs = 4 * 3_600_000;

/**
 * The built-in alert evaluator's activities (alertEvaluatorWorkflow): one evaluation of the spec's rules against a
 * scrape of every server with the exporter's own collectors, in-process (no Prometheus), and the delivery of one
 * notification to one channel with the destinations resolved here, on the worker (no secret enters history).
 */
export function alertEvaluatorActivities(deps: ActivityDeps) {
  return {
    evaluateAlerts: async (input: AlertEvaluatorSpec): Promise<AlertEvaluation> => {
      const sections = await sectionsOf(input.spec);
      const alerting = alertingOf(sections, input.spec);
      const rules = alertRuleInputs(sections);
      const collectors = [...new Set(rules.flatMap((rule) => {
        const parsed = parseAlertCondition(rule.condition);
        const collector = parsed.ok && instantReadings[parsed.value.metric] !== undefined ? metricSources[parsed.value.metric]?.collector : undefined;
        return collector === undefined ? [] : [collector];
      }))].map((name) => collectorsByName[name]);
      // The workflow's heartbeat timeout is how soon an evaluation on a worker that died is retried elsewhere.
      Context.current().heartbeat();
      const at = Date.now();
      const scrapers = collectors.length === 0 ? [] : monitoringTargets(sections).map((target) => new TargetScraper(target, collectors, input.scrapeTimeoutMs ?? 5000));
      try {
        const scrapes = await Promise.all(scrapers.map((s) => s.scrape()));
        const channels = alerting.channels.filter((c): c is SupportedChannel => supportedChannels.some((s) => s === c));
        const evaluation: AlertEvaluation = {
          at,
          intervalMs: intervalOf(sections),
          repeatIntervalMs: durationOf(alerting.repeat_interval, defaultRepeatMs),
          rules: evaluateAlertRules(rules, channels, scrapes),
        };
        faultAfterCommit('alert-evaluation');
        return evaluation;
      } finally {
        await Promise.all(scrapers.map((s) => s.close()));
      }
    },
    deliverAlertNotification: async (input: AlertDeliveryInput): Promise<AlertDelivery> => {
      const sections = await sectionsOf(input.spec);
      const alerting = alertingOf(sections, input.spec);
      // Only this channel's destination: an unset secret of another channel (or an email channel, which has no
      // delivery here) must not stop this one.
      const settings = alertmanagerSettings({ ...sections, monitoring_config: { ...sections.monitoring_config, alerting: { ...alerting, channels: [input.channel] } } });
      const context = Context.current();
      const delivered = await deliverAlertNotification(input.notification, input.channel, settings.destinations, alerting.runbook_base_url ?? defaultRunbookBaseUrl, context.cancellationSignal);
      deps.log.info({ channel: input.channel, key: input.notification.key, status: input.notification.status, attempt: context.info.attempt }, 'alert notification delivered');
      faultAfterCommit(`alert-delivery:${input.channel}`);
      return delivered;
    },
  };
}

export type AlertEvaluatorActivities = ReturnType<typeof alertEvaluatorActivities>;

async function sectionsOf(path: string): Promise<MonitoringSections> {
  const compiled = await compileSpec([path]);
  if (!compiled.valid || compiled.spec === undefined) {
    const first = compiled.errors[0];
    throw new DbarchError(first?.code ?? 'DBA_PLAN_INVALID', `${path} is not valid: ${first?.message ?? 'unknown problem'}`, { details: { issues: compiled.errors } });
  }
  const { monitoring_config, clusters } = compiled.spec;
  return { ...(monitoring_config === undefined ? {} : { monitoring_config }), ...(clusters === undefined ? {} : { clusters }) };
}

function alertingOf(sections: MonitoringSections, path: string) {
  const alerting = sections.monitoring_config?.alerting;
  if (alerting === undefined) throw new DbarchError('DBA_MONITORING_NO_ALERTING', `${path}: monitoring_config has no alerting section`);
  return alerting;
}

function intervalOf(sections: MonitoringSections): number {
  const exporter = sections.monitoring_config?.exporters?.find((e) => e.type === 'prometheus');
  return durationOf(exporter?.interval, defaultIntervalMs);
}

function durationOf(value: string | number | undefined, fallback: number): number {
  const parsed = value === undefined ? undefined : parseDuration(value);
  return parsed?.ok ? parsed.value : fallback;
}

