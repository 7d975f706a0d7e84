import { continueAsNew, defineQuery, proxyActivities, setHandler } from '@temporalio/workflow';
import type { OutboxActivities, RelayActivityInput } from '../activities/outbox/outboxActivities.ts';
import type { RelayProgress } from '../activities/outbox/RelayProgress.ts';
import { cancelledDuring } from './cancelledDuring.ts';

/**
 * The relay workflow's input (`relay:<database>`), small enough for the Temporal UI's Start Workflow form:
 * `{ "database": "shop", "exchange": "database.events" }`. `dbarch relay <spec>` fills it from queue_config.outbox.
 */
export interface RelayWorkflowInput extends Omit<RelayActivityInput, 'runForMs'> {
  /** How long one run relays before it continues as new, in ms (bounds the history). Default 10 minutes. */
  readonly runForMs?: number;
  /** A relay worker that stops heartbeating is replaced after this long, in ms. Default 10 s. */
  readonly heartbeatTimeoutMs?: number;
}

export type RelayPhase = 'relaying' | 'stopped';

export interface RelayStatus {
  readonly phase: RelayPhase;
  readonly database: string;
  /** Progress at the start of this run (the running attempt's own is in its heartbeat details). */
  readonly progress: RelayProgress | null;
}

export const relayStatusQuery = defineQuery<RelayStatus>('status');

const defaultRunForMs = 10 * 60_000;

/**
 * One durable relay per database: a long heartbeating activity that publishes the outbox, retried (on any worker)
 * whenever the broker or the database goes away or its worker dies; each attempt resumes from the table itself,
 * its counters from the last heartbeat. After `runForMs` the activity returns and the workflow continues as new
 * with the totals, so its history never grows. Cancelling the workflow stops the relay.
 */
export async function relayWorkflow(input: RelayWorkflowInput): Promise<RelayStatus> {
  const runForMs = input.runForMs ?? defaultRunForMs;
  const { runForMs: _r, heartbeatTimeoutMs: _h, ...activityInput } = input;
  let status: RelayStatus = { phase: 'relaying', database: input.database, progress: input.progress ?? null };
  setHandler(relayStatusQuery, () => status);
  const { relayOutbox } = proxyActivities<OutboxActivities>({
    startToCloseTimeout: runForMs + 60_000,
    heartbeatTimeout: input.heartbeatTimeoutMs ?? 10_000,
    retry: {
      initialInterval: '500ms',
      backoffCoefficient: 2,
      maximumInterval: '10s',
      nonRetryableErrorTypes: ['DBA_QUEUE_REFUSED', 'DBA_OUTBOX_DATABASE_REFUSED', 'DBA_OUTBOX_TABLE_MISSING', 'DBA_STEP_CONNECTION'],
    },
  });
  const cancelled = await cancelledDuring(async () => {
    const result = await relayOutbox({ ...activityInput, runForMs });
    status = { ...status, progress: result.progress };
  });
  if (cancelled) {
    status = { ...status, phase: 'stopped' };
    return status;
  }
  return continueAsNew<typeof relayWorkflow>({ ...input, ...(status.progress === null ? {} : { progress: status.progress }) });
}
