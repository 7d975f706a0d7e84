import type { CollectorName } from '../../activities/monitoring/collectorNames.ts';
import { collectorNames } from '../../activities/monitoring/collectorNames.ts';
import { metricSources } from '../../activities/monitoring/metricSources.ts';
import { hasDatadogSource } from '../../activities/monitoring/shipping/datadogReadings.ts';
import type { LogShippingSettings } from '../../activities/monitoring/shipping/LogShippingSettings.ts';
import type { DatadogSettings } from '../../activities/monitoring/shipping/startShipping.ts';
import { shippedLogTypes, type ShippedLogType } from '../../activities/monitoring/shipping/StructuredLogRecord.ts';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { isMetricName, type MetricName } from '../../compiler/grammar/metricCatalogue.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { readSecretReference } from '../../runtime/readSecretReference.ts';
import { exporterCollectors } from './exporterCollectors.ts';
import type { MonitoringSections } from './MonitoringSections.ts';

export const defaultElasticsearchUrl = '${ELASTICSEARCH_URL:-http://127.0.0.1:9200}';
export const defaultDatadogApiKey = '${DD_API_KEY}';
export const defaultDatadogUrl = 'https://api.datadoghq.com';

export interface ShippingSettings {
  readonly logs?: LogShippingSettings;
  readonly datadog?: DatadogSettings;
  /** The datadog exporter's interval (default 15 s): between two submissions and two pg_stat_statements readings. */
  readonly intervalMs: number;
  /** The exporter's collectors: the prometheus exporter's, those the Datadog metrics read, pg_stat_statements for slow queries. */
  readonly collectors: CollectorName[];
  /** What the spec asks for that is not shipped (a log type or metric without a source), said once at start. */
  readonly warnings: DbarchError[];
}

/**
 * What `dbarch ship` runs for a spec: log_shipping (elasticsearch only; the url and the slow-query threshold, 1 s by
 * default) and the datadog exporter (its api_key read from its reference, url, interval, metrics). Log types and
 * metrics without a source are warnings, not errors: they are left out, never faked.
 */
export function shippingSettings(sections: MonitoringSections, env: NodeJS.ProcessEnv = process.env): ShippingSettings {
  const config = sections.monitoring_config;
  const exporter = config?.exporters?.find((e) => e.type === 'datadog');
  if (config?.log_shipping === undefined && exporter === undefined) {
    throw new DbarchError('DBA_SHIPPING_NOTHING_TO_SHIP', 'monitoring_config has neither log_shipping nor a datadog exporter');
  }
  const { logs, warnings } = logShippingSettings(sections, env);
  const collectors = new Set(exporterCollectors(sections));
  if (logs?.logTypes.includes('slow_queries')) collectors.add('pg_stat_statements');

  let datadog: DatadogSettings | undefined;
  if (exporter !== undefined) {
    const metrics: MetricName[] = [];
    for (const metric of exporter.metrics) {
      if (isMetricName(metric) && hasDatadogSource(metric)) {
        metrics.push(metric);
        const collector = metricSources[metric]?.collector;
        if (collector !== undefined) collectors.add(collector);
        if (metric === 'slow_query_count') collectors.add('pg_stat_statements');
      } else warnings.push(new DbarchError('DBA_SHIPPING_METRIC_NO_SOURCE', `datadog metric ${metric} is not submitted: dbarch has no source for it yet`));
    }
    const apiKey = readSecretReference(exporter.api_key ?? defaultDatadogApiKey, { what: 'the datadog exporter\'s api_key', missing: 'DBA_SHIPPING_SECRET_UNSET', env });
    datadog = { url: resolve(exporter.url ?? defaultDatadogUrl, 'the datadog exporter\'s url', env), apiKey, metrics };
  }
  return {
    ...(logs ? { logs } : {}),
    ...(datadog ? { datadog } : {}),
    intervalMs: ms(exporter?.interval, 15_000),
    collectors: collectorNames.filter((name) => collectors.has(name)),
    warnings,
  };
}

/** log_shipping alone (what the gateway ships from its own clients): elasticsearch, its url, the log types with a source, the threshold. */
export function logShippingSettings(sections: MonitoringSections, env: NodeJS.ProcessEnv = process.env): { logs?: LogShippingSettings; warnings: DbarchError[] } {
  const shipping = sections.monitoring_config?.log_shipping;
  const warnings: DbarchError[] = [];
  if (shipping === undefined) return { warnings };
  if (shipping.destination !== 'elasticsearch') {
    throw new DbarchError('DBA_SHIPPING_DESTINATION_UNSUPPORTED', `monitoring_config.log_shipping.destination is ${shipping.destination}: dbarch ships to elasticsearch only so far`);
  }
  const logTypes: ShippedLogType[] = [];
  for (const type of shipping.log_types) {
    const shipped = shippedLogTypes.find((t) => t === type);
    if (shipped === undefined) warnings.push(new DbarchError('DBA_SHIPPING_METRIC_NO_SOURCE', `log type ${type} is not shipped: dbarch has no source for it yet`));
    else logTypes.push(shipped);
  }
  if (logTypes.includes('audit_logs')) {
    warnings.push(new DbarchError('DBA_SHIPPING_METRIC_NO_SOURCE', 'audit_logs: log shipping has no audit source of its own (records handed to its shipper are shipped); pgaudit events go through the audit trail, dbarch audit'));
  }
  const url = resolve(shipping.url ?? defaultElasticsearchUrl, 'monitoring_config.log_shipping.url', env);
  return { logs: { url, logTypes, slowQueryThresholdMs: ms(shipping.slow_query_threshold, 1000) }, warnings };
}

function resolve(reference: string, what: string, env: NodeJS.ProcessEnv): string {
  const resolved = resolveEnvReferences(reference, env);
  if (!resolved.ok) throw new DbarchError('DBA_SHIPPING_SECRET_UNSET', `${what} is ${reference}: ${resolved.message}`, { details: { reference } });
  return resolved.value;
}

function ms(value: string | number | undefined, fallback: number): number {
  const parsed = value === undefined ? undefined : parseDuration(value);
  return parsed?.ok ? parsed.value : fallback;
}
