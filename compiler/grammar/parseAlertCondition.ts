import { suggestionHint } from '../didYouMean.ts';
import { grammarFail, grammarOk, type GrammarResult } from './GrammarResult.ts';
import { isMetricName, metricCatalogue, metricNames, type MetricName } from './metricCatalogue.ts';
import { parseDuration } from './parseDuration.ts';
import { parsePercent } from './parsePercent.ts';
import { parseSize } from './parseSize.ts';

export type AlertOperator = '>' | '>=' | '<' | '<=' | '==' | '!=';

export interface AlertCondition {
  readonly metric: MetricName;
  readonly operator: AlertOperator;
  /** Threshold in the metric's unit: milliseconds, percent (0-100), bytes or a count. */
  readonly threshold: number;
}

const comparableMetrics = metricNames.filter((name) => metricCatalogue[name].unit !== 'group');

/** Alert conditions: `<metric> <op> <threshold>`, e.g. `replication_lag > 10s`, `pool_utilization > 90%`. */
export function parseAlertCondition(text: string): GrammarResult<AlertCondition> {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|==|!=|>|<)\s*(\S+)\s*$/.exec(text);
  if (m === null) {
    return grammarFail('DBA_SPEC_ALERT_CONDITION', `"${text}" is not an alert condition`, 'write `<metric> <operator> <threshold>`, e.g. `replication_lag > 10s`');
  }
  const [, metric = '', operator = '>', threshold = ''] = m;
  if (!isMetricName(metric)) {
    return grammarFail('DBA_SPEC_UNKNOWN_METRIC', `unknown metric "${metric}" in condition "${text}"`, suggestionHint(metric, comparableMetrics));
  }
  const unit = metricCatalogue[metric].unit;
  if (unit === 'group') {
    return grammarFail('DBA_SPEC_UNKNOWN_METRIC', `"${metric}" is a metric group and cannot be compared`, suggestionHint(metric, comparableMetrics));
  }
  const value = thresholdFor(unit, threshold, metric);
  if (!value.ok) return value;
  return grammarOk({ metric, operator: asOperator(operator), threshold: value.value });
}

const operators: readonly AlertOperator[] = ['>', '>=', '<', '<=', '==', '!='];

function asOperator(text: string): AlertOperator {
  return operators.find((op) => op === text) ?? '>';
}

function thresholdFor(unit: Exclude<(typeof metricCatalogue)[MetricName]['unit'], 'group'>, text: string, metric: string): GrammarResult<number> {
  const plain = /^\d+(\.\d+)?$/.test(text);
  const mismatch = (example: string) =>
    grammarFail('DBA_SPEC_ALERT_UNIT', `threshold "${text}" does not fit ${metric}, which is measured as ${unit}`, `write a ${unit} threshold, e.g. \`${metric} > ${example}\``);
  switch (unit) {
    case 'duration':
      if (plain || text.endsWith('%')) return mismatch('10s');
      return parseDuration(text);
    case 'percent':
      if (!text.endsWith('%')) return mismatch('90%');
      return parsePercent(text);
    case 'bytes':
      return plain ? grammarOk(Number(text)) : parseSize(text);
    case 'count':
      return plain ? grammarOk(Number(text)) : mismatch('100');
  }
}
