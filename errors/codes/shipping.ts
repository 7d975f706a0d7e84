import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of log shipping and the Datadog series forwarder (monitoring_config.log_shipping, the datadog exporter). */
export const shippingCodes = defineCodes({
  DBA_SHIPPING_NOTHING_TO_SHIP: {
    summary: 'The spec has neither monitoring_config.log_shipping nor a datadog exporter, so there is nothing to ship.',
    hint: 'Add monitoring_config.log_shipping (destination, url, log_types) or an exporter `- type: datadog` with its api_key and metrics.',
    retryable: false,
  },
  DBA_SHIPPING_DESTINATION_UNSUPPORTED: {
    summary: 'monitoring_config.log_shipping names a destination dbarch cannot ship to yet.',
    hint: 'Use `destination: elasticsearch` (any receiver of the Elasticsearch bulk API: Elasticsearch, OpenSearch, VictoriaLogs at /insert/elasticsearch).',
    retryable: false,
  },
  DBA_SHIPPING_SECRET_UNSET: {
    summary: 'A shipping secret or address reference (the Datadog api_key, the log destination url) names a variable that is not set here.',
    hint: 'Export the variable the reference names (e.g. DD_API_KEY, ELASTICSEARCH_URL), or give the reference a `${NAME:-default}`.',
    retryable: false,
  },
  DBA_SHIPPING_RECEIVER_UNREACHABLE: {
    summary: 'The log or metric receiver could not be reached or answered 429/5xx; records stay buffered (up to the bound) and are retried with backoff.',
    hint: 'Check that the receiver runs and answers at the configured url; records beyond the buffer bound are dropped and counted in dbarch_log_shipping_dropped_records_total.',
    retryable: true,
  },
  DBA_SHIPPING_REJECTED: {
    summary: 'The receiver refused records (4xx, or per-record errors in the bulk answer); they are dropped and counted, not retried.',
    hint: 'The receiver\'s answer is in the message: a wrong url path, a bad API key (401/403) or a mapping conflict in the index.',
    retryable: false,
  },
  DBA_SHIPPING_METRIC_NO_SOURCE: {
    summary: 'A metric the datadog exporter lists has no source that dbarch can read yet; it is not submitted (never faked).',
    hint: 'Drop it from the datadog exporter\'s metrics, or keep it: it is submitted once its source exists.',
    retryable: false,
  },
});
