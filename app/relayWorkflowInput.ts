import { compileSpec } from '../compiler/compileSpec.ts';
import { parseDuration } from '../compiler/grammar/parseDuration.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import type { RelayWorkflowInput } from '../workflows/relayWorkflow.ts';
import { planningError } from './planningError.ts';

/**
 * The relay workflow's input from a spec's queue_config.outbox: the database it relays (and its cluster's primary
 * as the connection reference, when the spec declares clusters), the broker URL reference, the exchange and the
 * tuning. References stay references: the worker resolves them.
 */
export async function relayWorkflowInput(paths: readonly string[], database?: string): Promise<RelayWorkflowInput> {
  const compiled = await compileSpec(paths);
  if (!compiled.valid || compiled.spec === undefined) throw planningError(`${paths.join(', ')} is not a valid spec`, compiled.errors);
  const queue = compiled.spec.queue_config;
  const outbox = queue?.outbox;
  if (queue === undefined || outbox === undefined) throw new DbarchError('DBA_OUTBOX_RELAY_INPUT', `${paths.join(', ')} has no queue_config.outbox`);
  const name = database ?? outbox.database;
  if (name === undefined) throw new DbarchError('DBA_OUTBOX_RELAY_INPUT', 'queue_config.outbox names no database to relay', { hint: 'add `database:` to queue_config.outbox, or pass --database' });
  const clusters = compiled.spec.clusters ?? [];
  const cluster = clusters.find((c) => (outbox.cluster === undefined ? c.databases.includes(name) : c.name === outbox.cluster));
  const pollMs = outbox.poll_interval === undefined ? undefined : parseDuration(outbox.poll_interval);
  return {
    database: name,
    exchange: outbox.exchange,
    ...(cluster === undefined ? {} : { connection: cluster.primary }),
    ...(queue.url === undefined ? {} : { amqpUrl: queue.url }),
    ...(outbox.batch_size === undefined ? {} : { batchSize: outbox.batch_size }),
    ...(pollMs?.ok === true ? { pollIntervalMs: pollMs.value } : {}),
    ...(outbox.max_attempts === undefined ? {} : { maxAttempts: outbox.max_attempts }),
  };
}
