import { inspectBrokerTopology } from '../../activities/queue/inspectBrokerTopology.ts';
import type { QueueTopology } from '../../activities/queue/QueueTopology.ts';
import { reconcileTopology } from '../../activities/queue/reconcileTopology.ts';
import type { TopologyReport } from '../../activities/queue/TopologyReport.ts';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { JsonObject } from '../../plan/Plan.ts';
import type { LiveState } from '../LiveState.ts';
import { definePlugin } from '../definePlugin.ts';
import { hostVersion } from '../hostVersion.ts';
import { queueTopology } from './queueTopology.ts';

export interface TopologyStepInput {
  readonly topology: QueueTopology;
  /** Broker connection reference (`${AMQP_URL:-…}`), resolved on the worker; default AMQP_URL. */
  readonly url?: string;
}

export interface ReconcileStepInput extends TopologyStepInput {
  /** Drifted queues holding messages that an approval allowed to be deleted and declared again. */
  readonly approved_deletes?: readonly string[];
  /** Set by a procedure after its approval gate: every drifted queue of the topology may lose its messages. */
  readonly delete_drifted?: boolean;
  /** Leave drifted queues holding messages as they are (listed in `pendingDeletes`) instead of refusing. */
  readonly defer_non_empty?: boolean;
}

const argumentValue = { type: ['string', 'number', 'boolean'] };
const topologySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['exchanges', 'queues', 'bindings'],
  properties: {
    exchanges: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['name', 'type', 'durable'], properties: { name: { type: 'string', minLength: 1 }, type: { type: 'string', minLength: 1 }, durable: { type: 'boolean' } } },
    },
    queues: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'durable', 'arguments'],
        properties: { name: { type: 'string', minLength: 1 }, durable: { type: 'boolean' }, arguments: { type: 'object', additionalProperties: argumentValue } },
      },
    },
    bindings: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['queue', 'exchange', 'routingKey'],
        properties: { queue: { type: 'string' }, exchange: { type: 'string' }, routingKey: { type: 'string' }, arguments: { type: 'object', additionalProperties: argumentValue } },
      },
    },
  },
};
const inputSchema = (extra: object = {}) => ({
  type: 'object',
  additionalProperties: false,
  required: ['topology'],
  properties: { topology: topologySchema, url: { type: 'string', minLength: 1 }, ...extra },
});

function brokerUrl(input: TopologyStepInput, fallback: string): string {
  if (input.url === undefined) return fallback;
  const resolved = resolveEnvReferences(input.url, process.env);
  if (!resolved.ok) throw new DbarchError('DBA_STEP_CONNECTION', `queue_config.url ${input.url}: ${resolved.message}`, resolved.hint ? { hint: resolved.hint } : {});
  return resolved.value;
}

function liveStateOf(report: TopologyReport): LiveState {
  const differ = report.items.filter((item) => item.state === 'missing' || item.state === 'drifted');
  return {
    summary: report.inSync ? `RabbitMQ matches queue_config (${report.items.length} items)` : `${differ.length} of ${report.items.length} items differ from queue_config; apply declares or fixes them`,
    inSync: report.inSync,
    items: report.items.map((item) => ({
      kind: item.kind,
      name: item.name,
      state: item.state,
      ...(item.detail === undefined && item.messages === undefined ? {} : { detail: [item.detail, item.messages === undefined ? undefined : `${item.messages} messages`].filter((part) => part !== undefined).join('; ') }),
    })),
  };
}

const summary = (topology: QueueTopology) => `${topology.exchanges.length} exchanges, ${topology.queues.length} queues, ${topology.bindings.length} bindings`;

/**
 * The queue capability: reads `queue_config` and hands its topology (exchanges, queues, bindings, dead-letter
 * exchanges) to every step. `queue/diff` compares it with RabbitMQ and changes nothing; `queue/reconcile` declares
 * what is missing and fixes drift, refusing (DBA_QUEUE_NOT_EMPTY) to recreate a queue that holds messages unless
 * `approved_deletes` names it (or `delete_drifted`; `defer_non_empty` leaves such queues for a gate). Both are
 * idempotent. The shipped dbarch/queue_reconcile runs reconcile (deferring) → approval → reconcile (deleting).
 * The outbox relay is a workflow of its own (`dbarch relay`).
 */
export const queuePlugin = definePlugin({
  name: 'queue',
  version: hostVersion,
  host: '*',
  description: 'RabbitMQ topology from queue_config: diff and idempotent reconcile.',
  reads: ['queue_config'],
  procedures: [new URL('../../procedures/queue_reconcile.yaml', import.meta.url)],
  planning: {
    stepDefaults: (sections) => {
      const config = sections.queue_config;
      if (config === undefined) return undefined;
      const defaults: JsonObject = { topology: queueTopology(config) as unknown as JsonObject, ...(config.url === undefined ? {} : { url: config.url }) };
      return defaults;
    },
  },
  // `dbarch plan` shows drift (a queue declared with other arguments, a missing exchange) before apply fixes it.
  inspect: async (sections, _environment, deps) => {
    const config = sections.queue_config;
    if (config === undefined) return undefined;
    const topology = queueTopology(config);
    return liveStateOf(await inspectBrokerTopology(brokerUrl(config.url === undefined ? { topology } : { topology, url: config.url }, deps.urls.rabbitmq), topology));
  },
  defaults: { timeout: '2m', retry: { attempts: 5, initialInterval: '1s', nonRetryable: ['DBA_QUEUE_NOT_EMPTY', 'DBA_QUEUE_EXCHANGE_TYPE', 'DBA_QUEUE_REFUSED', 'DBA_QUEUE_TOPOLOGY_INVALID'] } },
  steps: (deps) => ({
    diff: {
      input: inputSchema(),
      describe: (input: TopologyStepInput) => `compare ${summary(input.topology)} with RabbitMQ`,
      run: async (input: TopologyStepInput): Promise<TopologyReport> => inspectBrokerTopology(brokerUrl(input, deps.urls.rabbitmq), input.topology),
    },
    reconcile: {
      input: inputSchema({ approved_deletes: { type: 'array', items: { type: 'string', minLength: 1 } }, delete_drifted: { type: 'boolean' }, defer_non_empty: { type: 'boolean' } }),
      describe: (input: ReconcileStepInput) =>
        `declare ${summary(input.topology)} in RabbitMQ${input.delete_drifted === true ? '; recreates drifted queues, losing their messages' : input.approved_deletes?.length ? `; may delete ${input.approved_deletes.join(', ')} and their messages` : ''}${input.defer_non_empty === true ? '; drifted queues holding messages are left for an approval' : ''}`,
      run: (input: ReconcileStepInput) =>
        reconcileTopology(brokerUrl(input, deps.urls.rabbitmq), input.topology, { approvedDeletes: input.approved_deletes ?? [], deleteDrifted: input.delete_drifted === true, deferNonEmpty: input.defer_non_empty === true }),
    },
  }),
});
