import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { StepExecution } from '../StepExecution.ts';
import type { DnsUpdateRecordOutput, PowerDnsRecordSettings } from './DnsRecordInput.ts';
import { absoluteName, type NormalizedDnsRecord } from './normalizeDnsRecord.ts';

interface PowerDnsRrset {
  readonly name: string;
  readonly type: string;
  readonly ttl?: number;
  readonly records?: readonly { readonly content: string; readonly disabled?: boolean }[];
}

/**
 * Sets one rrset through PowerDNS's REST API: read the zone, and only if the record differs, PATCH it with
 * changetype REPLACE (which itself is idempotent: the same PATCH twice leaves one record). Reading first makes a
 * repeat a true no-op, so a retried step or a second failover to the same member does not bump the zone's serial.
 */
export async function updatePowerDnsRecord(
  settings: PowerDnsRecordSettings,
  record: NormalizedDnsRecord,
  ctx: Pick<StepExecution, 'signal'>,
): Promise<DnsUpdateRecordOutput> {
  const resolved = resolveEnvReferences(settings.api_key, process.env);
  if (!resolved.ok) throw new DbarchError('DBA_DNS_INPUT', `PowerDNS api_key: ${resolved.message}`);
  const zone = absoluteName(settings.zone, 'zone');
  const base = settings.api_url.replace(/\/+$/, '');
  const zoneUrl = `${base}/api/v1/servers/${encodeURIComponent(settings.server_id ?? 'localhost')}/zones/${encodeURIComponent(zone)}`;
  const headers = { 'x-api-key': resolved.value, 'content-type': 'application/json', accept: 'application/json' };

  const current = await call(zoneUrl, { method: 'GET', headers, signal: ctx.signal }, zone);
  const rrsets = ((await current.json()) as { rrsets?: PowerDnsRrset[] }).rrsets ?? [];
  const existing = rrsets.find((rrset) => rrset.name.toLowerCase() === record.name && rrset.type === record.type);
  const previous = (existing?.records ?? []).filter((r) => r.disabled !== true).map((r) => r.content);
  const output = { provider: 'powerdns' as const, name: record.name, type: record.type, value: record.value, ttl: record.ttl, previous };
  if (existing?.ttl === record.ttl && previous.length === 1 && previous[0]?.toLowerCase() === record.value) return { ...output, changed: false };

  const body = { rrsets: [{ name: record.name, type: record.type, ttl: record.ttl, changetype: 'REPLACE', records: [{ content: record.value, disabled: false }] }] };
  await call(zoneUrl, { method: 'PATCH', headers, body: JSON.stringify(body), signal: ctx.signal }, zone);
  return { ...output, changed: true };
}

/** One API request; PowerDNS answers errors as `{ "error": "…" }`, classified here by status. */
async function call(url: string, init: RequestInit, zone: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.any([init.signal ?? new AbortController().signal, AbortSignal.timeout(10_000)]) });
  } catch (error) {
    throw new DbarchError('DBA_DNS_UNREACHABLE', `PowerDNS API ${new URL(url).origin}: ${(error as Error).message}`, { cause: error });
  }
  if (response.ok) return response;
  const text = (await response.text()).slice(0, 1024);
  let reason = text;
  try {
    reason = (JSON.parse(text) as { error?: string }).error ?? text;
  } catch {
    // not JSON: keep the text
  }
  const details = { status: response.status, reason };
  if (response.status === 401 || response.status === 403) throw new DbarchError('DBA_DNS_REFUSED', `PowerDNS refused the API key (${response.status})`, { details });
  if (response.status === 404) throw new DbarchError('DBA_DNS_ZONE_NOT_FOUND', `PowerDNS has no zone ${zone}`, { details });
  if (response.status >= 500) throw new DbarchError('DBA_DNS_UNREACHABLE', `PowerDNS answered ${response.status}: ${reason}`, { details });
  throw new DbarchError('DBA_DNS_REJECTED', `PowerDNS rejected the change (${response.status}): ${reason}`, { details });
}
