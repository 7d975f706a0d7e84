import { suggestionHint } from '../didYouMean.ts';
import { grammarFail, grammarOk, type GrammarResult } from './GrammarResult.ts';
import { isMetricName, metricNames } from './metricCatalogue.ts';
import { parseAlertCondition } from './parseAlertCondition.ts';
import { parseConnectionUrl } from './parseConnectionUrl.ts';
import { parseDestinationUrl } from './parseDestinationUrl.ts';
import { parseDuration } from './parseDuration.ts';
import { parseFrequency } from './parseFrequency.ts';
import { parsePercent } from './parsePercent.ts';
import { parseRate } from './parseRate.ts';
import { parseSecretReference } from './parseSecretReference.ts';
import { parseSize } from './parseSize.ts';

/**
 * The value grammars, registered with ajv as string formats. ajv only learns pass/fail; when a format fails the
 * compiler runs the parser again to get its code, message and hint.
 */
export const grammarFormats = {
  'dbarch-duration': (text: string) => parseDuration(text),
  'dbarch-rate': (text: string) => parseRate(text),
  'dbarch-size': (text: string) => parseSize(text),
  'dbarch-percent': (text: string) => parsePercent(text),
  'dbarch-alert-condition': (text: string) => parseAlertCondition(text),
  'dbarch-frequency': (text: string) => parseFrequency(text),
  'dbarch-destination': (text: string) => parseDestinationUrl(text),
  'dbarch-postgres-url': (text: string) => parseConnectionUrl(text, 'postgres'),
  'dbarch-redis-url': (text: string) => parseConnectionUrl(text, 'redis'),
  'dbarch-amqp-url': (text: string) => parseConnectionUrl(text, 'amqp'),
  'dbarch-secret': (text: string) => parseSecretReference(text),
  'dbarch-metric': (text: string) => parseMetricName(text),
} as const satisfies Record<string, (text: string) => GrammarResult<unknown>>;

export type GrammarFormat = keyof typeof grammarFormats;

export function isGrammarFormat(name: string): name is GrammarFormat {
  return Object.hasOwn(grammarFormats, name);
}

function parseMetricName(text: string): GrammarResult<string> {
  return isMetricName(text) ? grammarOk(text) : grammarFail('DBA_SPEC_UNKNOWN_METRIC', `unknown metric "${text}"`, suggestionHint(text, metricNames));
}
