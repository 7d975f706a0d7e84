import type { DnsRecordSettings } from '../../activities/dns/DnsRecordInput.ts';
import type { CompiledSpec } from '../../compiler/CompiledSpec.ts';

/**
 * The DNS record the spec says names the primary (`failover_procedure.dns`), if any: what the failover procedure
 * hands to `dns/update_record` (or to `updateDnsRecord`) with the promoted member as `value`.
 */
export function dnsRecordOf(section: CompiledSpec['failover_procedure']): DnsRecordSettings | undefined {
  if (section === undefined || typeof section !== 'object' || Array.isArray(section) || !('dns' in section)) return undefined;
  return section.dns;
}
