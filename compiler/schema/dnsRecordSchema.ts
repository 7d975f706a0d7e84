import { Type, type SchemaOptions, type TProperties } from '@sinclair/typebox';
import { grammarString } from './grammarString.ts';
import { stringEnum } from './stringEnum.ts';

/**
 * The DNS record that names a cluster's primary (`failover_procedure.dns`), one form per provider. `extra` adds
 * fields, so the `dns/update_record` step's input (the same settings plus `value`) is this schema too; that one
 * takes `secretFormat: false`, since the planner's ajv does not know the spec's value grammars (the spec's block
 * was checked by the compiler already).
 */
export function dnsRecordSchema<E extends TProperties>(extra: E, options: SchemaOptions = {}, secretFormat = true) {
  const common = {
    name: Type.String({ minLength: 1, description: 'Absolute record name, e.g. `primary.db.example.com.`.' }),
    type: stringEnum(['A', 'AAAA', 'CNAME'] as const, { description: 'A/AAAA take the new primary\'s IP address, CNAME its host name.' }),
    ttl: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400, default: 30, description: 'Seconds clients may keep the old answer.' })),
    ...extra,
  };
  return Type.Union([
    Type.Object(
      {
        provider: Type.Literal('powerdns'),
        api_url: Type.String({ minLength: 1, description: 'PowerDNS REST API base URL, e.g. `http://127.0.0.1:8081`.' }),
        api_key: secretFormat
          ? grammarString('dbarch-secret', { description: 'Reference to the API key (`${PDNS_API_KEY}`).' })
          : Type.String({ minLength: 1 }),
        zone: Type.String({ minLength: 1, description: 'The zone holding the record, e.g. `db.example.com.`.' }),
        server_id: Type.Optional(Type.String({ minLength: 1, default: 'localhost' })),
        ...common,
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        provider: Type.Literal('route53'),
        hosted_zone_id: Type.String({ minLength: 1, description: 'The hosted zone id, e.g. `Z0123456789ABC`.' }),
        endpoint: Type.Optional(Type.String({ minLength: 1, description: 'Route53 API endpoint; AWS\'s own when absent.' })),
        region: Type.Optional(Type.String({ minLength: 1, default: 'us-east-1', description: 'Signing region; credentials come from the worker\'s AWS chain.' })),
        ...common,
      },
      { additionalProperties: false },
    ),
  ], options);
}
