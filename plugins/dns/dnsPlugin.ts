import { Type } from '@sinclair/typebox';
import type { DnsUpdateRecordInput, DnsUpdateRecordOutput } from '../../activities/dns/DnsRecordInput.ts';
import { updateDnsRecord } from '../../activities/dns/updateDnsRecord.ts';
import { dnsRecordSchema } from '../../compiler/schema/dnsRecordSchema.ts';
import type { JsonObject } from '../../plan/Plan.ts';
import { definePlugin, type StepDefinition } from '../definePlugin.ts';
import { hostVersion } from '../hostVersion.ts';
import { dnsRecordOf } from './dnsRecordOf.ts';

const updateRecordInput = dnsRecordSchema({ value: Type.String({ minLength: 1, description: 'The new primary: its IP address (A/AAAA) or host name (CNAME).' }) }, {}, false);

function updateRecordStep(): StepDefinition<DnsUpdateRecordInput, DnsUpdateRecordOutput> {
  return {
    input: updateRecordInput,
    describe: (input) => `point ${input.type} ${input.name} at ${input.value} (${input.provider})`,
    // Input and credential problems do not heal by retrying; an API that is down or busy may.
    defaults: { timeout: '1m', retry: { attempts: 5, initialInterval: '1s', nonRetryable: ['DBA_DNS_INPUT', 'DBA_DNS_REFUSED', 'DBA_DNS_ZONE_NOT_FOUND', 'DBA_DNS_REJECTED'] } },
    run: (input, ctx) => updateDnsRecord(input, ctx),
  };
}

/**
 * The DNS capability: `dns/update_record` makes the record that names a cluster's primary hold the promoted member,
 * at PowerDNS (REST API) or Route53 (ChangeResourceRecordSets at a configurable endpoint). The spec's
 * `failover_procedure.dns` block is the default of every input field except `value`, so the failover procedure
 * only passes the new primary; a step's `with:` may name any other record.
 */
export const dnsPlugin = definePlugin({
  name: 'dns',
  version: hostVersion,
  host: '*',
  description: 'DNS records for the primary: PowerDNS and Route53, idempotent.',
  reads: ['failover_procedure'],
  planning: {
    stepDefaults: (sections) => dnsRecordOf(sections.failover_procedure) as JsonObject | undefined,
  },
  steps: () => ({ update_record: updateRecordStep() }),
});
