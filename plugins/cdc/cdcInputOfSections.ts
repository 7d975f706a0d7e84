import { topicFor } from '../../activities/cdc/CdcOptions.ts';
import type { CdcActivityInput } from '../../activities/cdc/cdcActivities.ts';
import type { CdcConfig } from '../../compiler/sections/cdc_config/schema.ts';
import type { Clusters } from '../../compiler/sections/clusters/schema.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { DeepReadonly } from '../../compiler/DeepReadonly.ts';

/**
 * The CDC input from the spec's sections: the database (its cluster's primary as the connection reference when
 * the spec declares clusters), each table with its topic (`topics` pair with `tables` in order; the seed's
 * `database.<table>.changes` when absent), slot, publication and target. `connector: debezium-postgres` is served
 * by the same pgoutput reader (Debezium's Postgres connector decodes pgoutput too); there is no Kafka Connect.
 * References stay references: the worker resolves them.
 */
export function cdcInputOfSections(cdc: DeepReadonly<CdcConfig>, clusters: DeepReadonly<Clusters> | undefined, amqpUrl: string | undefined, database = cdc.database): Omit<CdcActivityInput, 'runForMs'> {
  if (database === undefined) throw new DbarchError('DBA_CDC_INPUT', 'cdc_config names no database to capture', { hint: 'add `database:` to cdc_config, or pass --database' });
  if (cdc.publish_to === 'redis') throw new DbarchError('DBA_CDC_INPUT', 'cdc_config.publish_to: redis is not supported by dbarch\'s CDC', { hint: 'publish to rabbitmq or kafka; the cache invalidator consumes CDC events from RabbitMQ' });
  const topics = cdc.topics ?? cdc.tables.map(topicFor);
  if (topics.length !== cdc.tables.length) {
    throw new DbarchError('DBA_CDC_INPUT', `cdc_config has ${cdc.tables.length} tables but ${topics.length} topics; each table needs its topic, in the same order`);
  }
  const cluster = (clusters ?? []).find((c) => (cdc.cluster === undefined ? c.databases.includes(database) : c.name === cdc.cluster));
  return {
    database,
    tables: cdc.tables.map((table, i) => ({ table, topic: topics[i] ?? topicFor(table) })),
    publishTo: cdc.publish_to,
    ...(cluster === undefined ? {} : { connection: cluster.primary }),
    ...(cdc.slot_name === undefined ? {} : { slot: cdc.slot_name }),
    ...(cdc.publication === undefined ? {} : { publication: cdc.publication }),
    ...(cdc.publish_to === 'rabbitmq' && amqpUrl !== undefined ? { amqpUrl } : {}),
  };
}
