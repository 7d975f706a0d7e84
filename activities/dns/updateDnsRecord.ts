import type { StepExecution } from '../StepExecution.ts';
import type { DnsUpdateRecordInput, DnsUpdateRecordOutput } from './DnsRecordInput.ts';
import { normalizeDnsRecord } from './normalizeDnsRecord.ts';
import { updatePowerDnsRecord } from './updatePowerDnsRecord.ts';
import { updateRoute53Record } from './updateRoute53Record.ts';

/**
 * The engine of `dns/update_record`: make one record hold the new primary, at whichever provider the spec names.
 * Idempotent: when the record already holds the value and TTL nothing is written and `changed` is false.
 */
export async function updateDnsRecord(
  input: DnsUpdateRecordInput,
  ctx: Pick<StepExecution, 'signal' | 'idempotencyKey' | 'log'>,
): Promise<DnsUpdateRecordOutput> {
  const record = normalizeDnsRecord(input);
  const result = input.provider === 'powerdns' ? await updatePowerDnsRecord(input, record, ctx) : await updateRoute53Record(input, record, ctx);
  ctx.log.info({ provider: result.provider, name: result.name, type: result.type, value: result.value, previous: result.previous, changed: result.changed }, 'dns record');
  return result;
}
