import { DbarchError } from '../../errors/DbarchError.ts';
import type { AuditTarget } from './AuditTarget.ts';

export interface HecSettings {
  /** The HEC base URL; events go to `<url>/services/collector/event`. */
  readonly url: string;
  /** The resolved token. */
  readonly token: string;
  readonly index?: string;
  readonly timeoutMs?: number;
}

/**
 * Audit batches to a Splunk HTTP Event Collector: one POST per batch to `/services/collector/event` with
 * `Authorization: Splunk <token>`, the body the HEC's batch form (event objects one after another), each with the
 * record's `time` in epoch seconds, `host` the member, `sourcetype` dbarch:audit and the event's id, batch and class as
 * indexed `fields` (a batch sent again after a crash repeats its ids: `dedup audit_id` at search time). Any answer but 2xx is a failed delivery (DBA_AUDIT_TARGET_FAILED), retried by the collector.
 */
export function hecAuditTarget(settings: HecSettings): AuditTarget {
  const endpoint = `${settings.url.replace(/\/+$/, '')}/services/collector/event`;
  return {
    name: 'hec',
    async send(batch, signal) {
      const body = batch.events
        .map((event) =>
          JSON.stringify({
            time: Date.parse(event.time) / 1000,
            host: event.member,
            source: `dbarch:${batch.cluster}`,
            sourcetype: 'dbarch:audit',
            ...(settings.index === undefined ? {} : { index: settings.index }),
            event,
            fields: { audit_id: event.id, audit_batch: `${batch.member}/${batch.file}:${batch.offset}`, audit_class: event.class, cluster: batch.cluster },
          }),
        )
        .join('\n');
      let response: Response;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers: { authorization: `Splunk ${settings.token}`, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.any([signal, AbortSignal.timeout(settings.timeoutMs ?? 10_000)]),
        });
      } catch (cause) {
        if (signal.aborted) throw cause;
        throw new DbarchError('DBA_AUDIT_TARGET_FAILED', `HEC ${endpoint} did not answer: ${(cause as Error).message}`, { cause, details: { target: 'hec' } });
      }
      const text = await response.text().catch(() => '');
      if (!response.ok) throw new DbarchError('DBA_AUDIT_TARGET_FAILED', `HEC ${endpoint} answered ${response.status}: ${text.slice(0, 200)}`, { details: { target: 'hec', status: response.status } });
    },
  };
}
