import { continueAsNew, defineQuery, proxyActivities, setHandler } from '@temporalio/workflow';
import type { CdcActivities, CdcActivityInput } from '../activities/cdc/cdcActivities.ts';
import type { CdcPrepareReport } from '../activities/cdc/CdcPrepareReport.ts';
import type { CdcProgress } from '../activities/cdc/CdcProgress.ts';
import { cancelledDuring } from './cancelledDuring.ts';

/**
 * The CDC workflow's input (`cdc:<database>`), small enough for the Temporal UI's Start Workflow form:
 * `{ "database": "shop", "tables": [{ "table": "users", "topic": "database.users.changes" }], "publishTo": "rabbitmq" }`.
 * `dbarch cdc start <spec>` fills it from cdc_config.
 */
export interface CdcWorkflowInput extends Omit<CdcActivityInput, 'runForMs'> {
  /** How long one run streams before it continues as new, in ms (bounds the history). Default 10 minutes. */
  readonly runForMs?: number;
  /** A stream whose worker stops heartbeating is replaced after this long, in ms. Default 10 s. */
  readonly heartbeatTimeoutMs?: number;
  /** Set by continue-as-new: the slot was prepared by an earlier run. */
  readonly prepared?: boolean;
}

export type CdcPhase = 'preparing' | 'streaming' | 'stopped';

export interface CdcStatus {
  readonly phase: CdcPhase;
  readonly database: string;
  readonly slot: string | null;
  /** What preparing found and made (first run only). */
  readonly prepared: CdcPrepareReport | null;
  /** Progress at the start of this run (the running attempt's own is in its heartbeat details). */
  readonly progress: CdcProgress | null;
}

export const cdcStatusQuery = defineQuery<CdcStatus>('status');

const defaultRunForMs = 10 * 60_000;

/** Input mistakes and refusals: retrying the same input cannot succeed. */
const permanent = [
  'DBA_CDC_INPUT', 'DBA_CDC_TABLE_MISSING', 'DBA_CDC_NO_REPLICA_IDENTITY', 'DBA_CDC_SLOT_FOREIGN', 'DBA_CDC_WAL_LEVEL',
  'DBA_CDC_SLOT_MISSING', 'DBA_CDC_SLOT_LOST', 'DBA_CDC_DATABASE_REFUSED', 'DBA_QUEUE_REFUSED', 'DBA_STEP_CONNECTION',
];

/**
 * One durable CDC stream per database: the first run prepares the publication and slot (coded errors fail the
 * workflow before anything is made), then a long heartbeating activity streams the slot to the broker, retried
 * on any worker when the database, the broker or its worker goes away; each attempt resumes from the slot's
 * confirmed LSN. After `runForMs` it continues as new with the counters. Cancelling stops the stream; the slot
 * stays (drop it with `dbarch cdc drop-slot`).
 */
export async function cdcWorkflow(input: CdcWorkflowInput): Promise<CdcStatus> {
  const runForMs = input.runForMs ?? defaultRunForMs;
  const { runForMs: _r, heartbeatTimeoutMs: _h, prepared: alreadyPrepared, ...activityInput } = input;
  let status: CdcStatus = { phase: alreadyPrepared === true ? 'streaming' : 'preparing', database: input.database, slot: input.slot ?? null, prepared: null, progress: input.progress ?? null };
  setHandler(cdcStatusQuery, () => status);
  const retry = { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', nonRetryableErrorTypes: permanent };
  const { prepareCdc } = proxyActivities<CdcActivities>({ startToCloseTimeout: '2m', retry: { ...retry, maximumAttempts: 5 } });
  const { streamCdc } = proxyActivities<CdcActivities>({ startToCloseTimeout: runForMs + 60_000, heartbeatTimeout: input.heartbeatTimeoutMs ?? 10_000, retry });
  const cancelled = await cancelledDuring(async () => {
    if (alreadyPrepared !== true) {
      const report = await prepareCdc(activityInput);
      status = { ...status, phase: 'streaming', slot: report.slot, prepared: report };
    }
    const result = await streamCdc({ ...activityInput, runForMs });
    status = { ...status, progress: result.progress };
  });
  if (cancelled) {
    status = { ...status, phase: 'stopped' };
    return status;
  }
  return continueAsNew<typeof cdcWorkflow>({ ...input, prepared: true, ...(status.progress === null ? {} : { progress: status.progress }) });
}
