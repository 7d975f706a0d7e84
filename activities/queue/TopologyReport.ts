/**
 * One exchange, queue or binding compared with the broker:
 * - `ok`: present as declared; `missing`: absent; `drifted`: present with another type, durability or arguments;
 * - `unverified` (bindings only): AMQP 0-9-1 cannot list bindings (only the management API can), so a binding
 *   between an existing exchange and queue is not known to be there; reconcile declares every binding, which is
 *   idempotent, so a missing one is made.
 */
export type TopologyState = 'ok' | 'missing' | 'drifted' | 'unverified';

/**
 * What reconcile did about an item: nothing, created it, deleted and declared it again, declared the binding, or
 * left a drifted queue holding messages as it was for an approval to decide (`deferred`).
 */
export type TopologyAction = 'none' | 'created' | 'recreated' | 'bound' | 'deferred';

/** A drifted queue that holds messages: recreating it to match the spec loses them, so it waits for an approval. */
export interface PendingDelete {
  readonly queue: string;
  /** At the inspection; null when messages arrived between the inspection and the if-empty delete. */
  readonly messages: number | null;
  /** The broker's reason for the drift. */
  readonly drift: string | null;
}

export interface TopologyItem {
  readonly kind: 'exchange' | 'queue' | 'binding';
  /** The exchange or queue name; `queue <- exchange [key]` for a binding. */
  readonly name: string;
  readonly state: TopologyState;
  /** The broker's reason for a drift (its PRECONDITION_FAILED text), for people to read. */
  readonly detail?: string;
  /** Messages a queue holds (queues that exist). */
  readonly messages?: number;
  readonly action?: TopologyAction;
}

export interface TopologyReport {
  readonly items: readonly TopologyItem[];
  /** Whether everything is `ok` (bindings `unverified` count as in order). */
  readonly inSync: boolean;
  /** Set by a reconcile that deferred queues (`deferNonEmpty`): what an approval would delete. */
  readonly pendingDeletes?: readonly PendingDelete[];
}

export function topologyReport(items: readonly TopologyItem[]): TopologyReport {
  return { items, inSync: items.every((item) => item.state === 'ok' || item.state === 'unverified') };
}

export function bindingName(binding: { readonly queue: string; readonly exchange: string; readonly routingKey: string }): string {
  return `${binding.queue} <- ${binding.exchange}${binding.routingKey === '' ? '' : ` [${binding.routingKey}]`}`;
}
