import { topicFor } from '../activities/cdc/CdcOptions.ts';
import { compileSpec } from '../compiler/compileSpec.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import type { CdcWorkflowInput } from '../workflows/cdcWorkflow.ts';
import { planningError } from './planningError.ts';

export interface CdcInputOverrides {
  readonly database?: string;
  readonly exchange?: string;
  readonly maxSlotWalKeepSize?: string;
}

/**
 * The cdc workflow's input from a spec's cdc_config: the database (its cluster's primary as the connection
 * reference when the spec declares clusters), each table with its topic (`topics` pair with `tables` in order;
 * the seed's `database.<table>.changes` when absent), the slot, publication and target. `connector:
 * debezium-postgres` is served by the same pgoutput reader (Debezium's Postgres connector decodes pgoutput too);
 * there is no Kafka Connect. References stay references: the worker resolves them.
 */
export async function cdcWorkflowInput(paths: readonly string[], overrides: CdcInputOverrides = {}): Promise<CdcWorkflowInput> {
  const compiled = await compileSpec(paths);
  if (!compiled.valid || compiled.spec === undefined) throw planningError(`${paths.join(', ')} is not a valid spec`, compiled.errors);
  const cdc = compiled.spec.cdc_config;
  if (cdc === undefined) throw new DbarchError('DBA_CDC_INPUT', `${paths.join(', ')} has no cdc_config`);
  const database = overrides.database ?? cdc.database;
  if (database === undefined) throw new DbarchError('DBA_CDC_INPUT', 'cdc_config names no database to capture', { hint: 'add `database:` to cdc_config, or pass --database' });
  if (cdc.publish_to === 'redis') throw new DbarchError('DBA_CDC_INPUT', 'cdc_config.publish_to: redis is not supported by dbarch\'s CDC', { hint: 'publish to rabbitmq or kafka; the cache invalidator consumes CDC events from RabbitMQ' });
  const topics = cdc.topics ?? cdc.tables.map(topicFor);
  if (topics.length !== cdc.tables.length) {
    throw new DbarchError('DBA_CDC_INPUT', `cdc_config has ${cdc.tables.length} tables but ${topics.length} topics; each table needs its topic, in the same order`);
  }
  const clusters = compiled.spec.clusters ?? [];
  const cluster = clusters.find((c) => (cdc.cluster === undefined ? c.databases.includes(database) : c.name === cdc.cluster));
  const amqpUrl = compiled.spec.queue_config?.url;
  return {
    database,
    tables: cdc.tables.map((table, i) => ({ table, topic: topics[i] ?? topicFor(table) })),
    publishTo: cdc.publish_to,
    ...(cluster === undefined ? {} : { connection: cluster.primary }),
    ...(cdc.slot_name === undefined ? {} : { slot: cdc.slot_name }),
    ...(cdc.publication === undefined ? {} : { publication: cdc.publication }),
    ...(cdc.publish_to === 'rabbitmq' && amqpUrl !== undefined ? { amqpUrl } : {}),
    ...(overrides.exchange === undefined ? {} : { exchange: overrides.exchange }),
    ...(overrides.maxSlotWalKeepSize === undefined ? {} : { maxSlotWalKeepSize: overrides.maxSlotWalKeepSize }),
  };
}
