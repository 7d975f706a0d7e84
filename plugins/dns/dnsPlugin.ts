import { Type } from '@sinclair/typebox';
import type { DnsRecordSettings, DnsUpdateRecordOutput } from '../../activities/dns/DnsRecordInput.ts';
import { publishedPrimaryHost } from '../../activities/dns/publishedPrimaryHost.ts';
import { updateDnsRecord } from '../../activities/dns/updateDnsRecord.ts';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { dnsRecordSchema } from '../../compiler/schema/dnsRecordSchema.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { JsonObject } from '../../plan/Plan.ts';
import { definePlugin, type StepDefinition } from '../definePlugin.ts';
import { hostVersion } from '../hostVersion.ts';
import type { PluginDeps } from '../PluginDeps.ts';
import { dnsRecordOf } from './dnsRecordOf.ts';

/**
 * The step's input: the record settings (defaults from failover_procedure.dns) and either the `value` itself or the
 * `cluster` whose published primary it is (how dbarch/failover calls it: the value is only known once promoted).
 */
export type UpdateRecordStepInput = DnsRecordSettings & {
  readonly value?: string;
  readonly cluster?: string;
  /** The control database holding the published topology (default: the worker's DATABASE_URL). */
  readonly control_url?: string;
};

const updateRecordInput = dnsRecordSchema(
  {
    value: Type.Optional(Type.String({ minLength: 1, description: 'The new primary: its IP address (A/AAAA) or host name (CNAME).' })),
    cluster: Type.Optional(Type.String({ minLength: 1, description: 'Take the value from this cluster\'s published primary.' })),
    control_url: Type.Optional(Type.String({ minLength: 1 })),
  },
  {},
  false,
);

function updateRecordStep(deps: PluginDeps): StepDefinition<UpdateRecordStepInput, DnsUpdateRecordOutput & { member?: string; epoch?: number }> {
  return {
    input: updateRecordInput,
    describe: (input) => `point ${input.type} ${input.name} at ${input.value ?? `the published primary of ${input.cluster ?? '?'}`} (${input.provider})`,
    // Input and credential problems do not heal by retrying; an API that is down or busy may.
    defaults: { timeout: '1m', retry: { attempts: 5, initialInterval: '1s', nonRetryable: ['DBA_DNS_INPUT', 'DBA_DNS_REFUSED', 'DBA_DNS_ZONE_NOT_FOUND', 'DBA_DNS_REJECTED'] } },
    run: async (input, ctx) => {
      const { value, cluster, control_url: controlUrl, ...settings } = input;
      if (value !== undefined) return updateDnsRecord({ ...settings, value }, ctx);
      if (cluster === undefined) throw new DbarchError('DBA_DNS_INPUT', 'dns/update_record needs `value` or the `cluster` whose published primary to name');
      let url = deps.urls.postgres;
      if (controlUrl !== undefined) {
        const resolved = resolveEnvReferences(controlUrl, process.env);
        if (!resolved.ok) throw new DbarchError('DBA_DNS_INPUT', `control_url: ${resolved.message}`);
        url = resolved.value;
      }
      const primary = await publishedPrimaryHost(deps.postgres(url), cluster);
      return { ...(await updateDnsRecord({ ...settings, value: primary.host }, ctx)), member: primary.member, epoch: primary.epoch };
    },
  };
}

/**
 * The DNS capability: `dns/update_record` makes the record that names a cluster's primary hold the promoted member,
 * at PowerDNS (REST API) or Route53 (ChangeResourceRecordSets at a configurable endpoint). The spec's
 * `failover_procedure.dns` block is the default of every input field except `value`, so the failover procedure
 * only passes the cluster (the value is its published primary's host) or the value; `with:` may name any other
 * record.
 */
export const dnsPlugin = definePlugin({
  name: 'dns',
  version: hostVersion,
  host: '*',
  description: 'DNS records for the primary: PowerDNS and Route53, idempotent.',
  reads: ['failover_procedure'],
  planning: {
    // `when: { env: { "dns.configured": true } }` runs the DNS step of dbarch/failover only where a record is named.
    settings: (sections) => ({ configured: { value: dnsRecordOf(sections.failover_procedure) !== undefined, source: { path: ['failover_procedure', 'dns'] } } }),
    stepDefaults: (sections) => dnsRecordOf(sections.failover_procedure) as JsonObject | undefined,
  },
  steps: (deps) => ({ update_record: updateRecordStep(deps) }),
});
