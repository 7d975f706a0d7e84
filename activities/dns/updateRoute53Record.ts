import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { StepExecution } from '../StepExecution.ts';
import type { DnsUpdateRecordOutput, Route53RecordSettings } from './DnsRecordInput.ts';
import type { NormalizedDnsRecord } from './normalizeDnsRecord.ts';

/**
 * Sets one record set in a Route53 hosted zone: ListResourceRecordSets from the record's name and type, and only if
 * it differs, ChangeResourceRecordSets with UPSERT (idempotent at AWS too). The SDK's own retries are off so the
 * step's retry policy is the only one, and every attempt shows in the workflow's history.
 */
export async function updateRoute53Record(
  settings: Route53RecordSettings,
  record: NormalizedDnsRecord,
  ctx: Pick<StepExecution, 'signal' | 'idempotencyKey'>,
): Promise<DnsUpdateRecordOutput> {
  const client = new Route53Client({
    region: settings.region ?? 'us-east-1',
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5000, requestTimeout: 10_000 },
  });
  try {
    const listed = await send(() =>
      client.send(
        new ListResourceRecordSetsCommand({ HostedZoneId: settings.hosted_zone_id, StartRecordName: record.name, StartRecordType: record.type, MaxItems: 1 }),
        { abortSignal: ctx.signal },
      ),
    );
    const first = listed.ResourceRecordSets?.[0];
    const existing = first && first.Name?.toLowerCase() === record.name && first.Type === record.type ? first : undefined;
    const previous = (existing?.ResourceRecords ?? []).map((r) => r.Value ?? '');
    const output = { provider: 'route53' as const, name: record.name, type: record.type, value: record.value, ttl: record.ttl, previous };
    if (existing?.TTL === record.ttl && previous.length === 1 && previous[0]?.toLowerCase() === record.value) return { ...output, changed: false };

    const changed = await send(() =>
      client.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: settings.hosted_zone_id,
          ChangeBatch: {
            // The step's idempotency key makes the change traceable to the workflow that made it.
            Comment: `dbarch ${ctx.idempotencyKey}`.slice(0, 256),
            Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: record.name, Type: record.type, TTL: record.ttl, ResourceRecords: [{ Value: record.value }] } }],
          },
        }),
        { abortSignal: ctx.signal },
      ),
    );
    return { ...output, changed: true, ...(changed.ChangeInfo?.Id ? { changeId: changed.ChangeInfo.Id } : {}) };
  } finally {
    client.destroy();
  }
}

const refusedNames = new Set(['AccessDenied', 'AccessDeniedException', 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException', 'CredentialsProviderError', 'ExpiredToken']);
const rejectedNames = new Set(['InvalidChangeBatch', 'InvalidInput', 'InvalidArgument', 'InvalidDomainName']);

/** Classifies by the SDK's error name and fault, never by message text. */
async function send<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    const fault = (error as { $fault?: string }).$fault;
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const message = `Route53 ${name || 'request'} failed: ${(error as Error).message}`;
    const details = { name, ...(status === undefined ? {} : { status }) };
    if (name === 'NoSuchHostedZone') throw new DbarchError('DBA_DNS_ZONE_NOT_FOUND', message, { cause: error, details });
    if (refusedNames.has(name) || status === 403) throw new DbarchError('DBA_DNS_REFUSED', message, { cause: error, details });
    if (rejectedNames.has(name) || (fault === 'client' && name !== 'Throttling' && name !== 'PriorRequestNotComplete' && status !== 429))
      throw new DbarchError('DBA_DNS_REJECTED', message, { cause: error, details });
    // Server faults, throttling, a change still in flight, and no answer at all are worth another attempt.
    throw new DbarchError('DBA_DNS_UNREACHABLE', message, { cause: error, details });
  }
}
