import { DbarchError } from '../../../errors/DbarchError.ts';
import { redactUrl } from '../../../runtime/redactUrl.ts';
import type { LogSink, SinkOutcome } from './LogSink.ts';
import type { StructuredLogRecord } from './StructuredLogRecord.ts';

export interface ElasticsearchBulkSinkOptions {
  /** The Elasticsearch base URL (`http://user:pass@host:9200`; VictoriaLogs: `http://host:9428/insert/elasticsearch`). */
  readonly url: string;
  /** Index per record, `dbarch-<log type>` by default (data streams need `create`, which is what is sent). */
  readonly indexOf?: (record: StructuredLogRecord) => string;
  /** Bound on one bulk request (default 10 s). */
  readonly timeoutMs?: number;
}

interface BulkAnswer {
  readonly errors?: boolean;
  readonly items?: readonly Record<string, { status?: number; error?: unknown } | undefined>[];
}

/**
 * Ships batches as Elasticsearch bulk NDJSON (`POST <url>/_bulk`, a `create` line before each record). Credentials
 * in the URL become Basic auth. The VL-* headers tell VictoriaLogs which fields are the message, time and stream
 * (Elasticsearch ignores unknown headers, where it would refuse unknown query arguments). A record the bulk answer
 * refuses with 429 or 5xx is sent again; any other refusal drops it.
 */
export function elasticsearchBulkSink(options: ElasticsearchBulkSinkOptions): LogSink {
  const parsed = new URL(options.url);
  const headers: Record<string, string> = {
    'content-type': 'application/x-ndjson',
    'VL-Msg-Field': 'message',
    'VL-Time-Field': 'timestamp',
    'VL-Stream-Fields': 'component,log_type',
  };
  if (parsed.username !== '') headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`;
  parsed.username = '';
  parsed.password = '';
  const endpoint = `${parsed.toString().replace(/\/+$/, '')}/_bulk`;
  const destination = redactUrl(options.url);
  const indexOf = options.indexOf ?? ((record) => `dbarch-${record.log_type.replace(/_/g, '-')}`);
  const unreachable = (why: string, cause?: unknown) =>
    new DbarchError('DBA_SHIPPING_RECEIVER_UNREACHABLE', `the log receiver at ${destination} ${why}`, { ...(cause === undefined ? {} : { cause }), details: { destination } });

  return {
    destination,
    async send(batch): Promise<SinkOutcome> {
      const body = batch.map((record) => `${JSON.stringify({ create: { _index: indexOf(record) } })}\n${JSON.stringify(record)}\n`).join('');
      let response: Response;
      try {
        response = await fetch(endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
      } catch (error) {
        throw unreachable(`did not answer: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`, error);
      }
      const text = await response.text().catch(() => '');
      if (response.status === 429 || response.status >= 500) throw unreachable(`answered ${response.status}: ${text.slice(0, 300)}`);
      if (!response.ok) {
        throw new DbarchError('DBA_SHIPPING_REJECTED', `the log receiver at ${destination} refused ${batch.length} records with ${response.status}: ${text.slice(0, 300)}`, {
          details: { destination, status: response.status },
        });
      }
      let answer: BulkAnswer;
      try {
        answer = JSON.parse(text) as BulkAnswer;
      } catch {
        return { rejected: [], retry: [] };
      }
      if (answer.errors !== true || answer.items === undefined) return { rejected: [], retry: [] };
      const rejected: StructuredLogRecord[] = [];
      const retry: StructuredLogRecord[] = [];
      let reason: string | undefined;
      answer.items.forEach((item, i) => {
        const result = Object.values(item)[0];
        const record = batch[i];
        if (record === undefined || result === undefined || result.error === undefined) return;
        const status = result.status ?? 400;
        if (status === 429 || status >= 500) retry.push(record);
        else {
          rejected.push(record);
          reason ??= `${status}: ${JSON.stringify(result.error).slice(0, 300)}`;
        }
      });
      return { rejected, retry, ...(reason === undefined ? {} : { reason }) };
    },
  };
}
