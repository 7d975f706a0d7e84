import { Context } from '@temporalio/activity';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { ActivityDeps } from '../ActivityDeps.ts';
import type { BlueGreenInput } from './BlueGreenInput.ts';
import { pollTarget } from './pollTarget.ts';
import { pollUntil } from './pollUntil.ts';
import { currentLsn, readBlueSlot, readGreenState } from './readReplicationState.ts';
import { replicationNames } from './replicationNames.ts';
import { withReplicationClient } from './withReplicationClient.ts';

export interface AwaitCatchUpInput extends BlueGreenInput {
  /** How often to look; default 500 ms. */
  readonly pollMs?: number;
}

export interface CatchUpResult {
  /** Blue's WAL position when the step started: everything committed on blue before it is on green. */
  readonly targetLsn: string;
  /** What green had confirmed (the slot's confirmed_flush_lsn) when the step ended. */
  readonly confirmedLsn: string;
  /** Bytes green was behind the target at the first look, and at the end (0 once caught up). */
  readonly lagBytesAtStart: number;
  readonly lagBytes: number;
  readonly tablesTotal: number;
  readonly waitedMs: number;
}

/** Progress reported in heartbeat details. */
export interface CatchUpProgress {
  readonly phase: 'initial-copy' | 'streaming';
  readonly targetLsn: string;
  readonly tablesReady: number;
  readonly tablesTotal: number;
  readonly lagBytes: number | null;
}

/**
 * Blue-green step 2, second half: waits, heartbeating, until every table's initial copy is done and green
 * has confirmed blue's WAL up to the position blue had when the step started. Errors reported by the
 * subscription (a conflict, a missing column) end the wait at once instead of waiting forever. Re-running
 * once caught up returns at the first look.
 */
export function awaitReplicationCatchUp(_deps: ActivityDeps) {
  return async function awaitReplicationCatchUp(input: AwaitCatchUpInput): Promise<CatchUpResult> {
    const context = Context.current();
    const names = replicationNames(input.name);
    const started = Date.now();
    return withReplicationClient(input.blueUrl, 'blue', (blue) =>
      withReplicationClient(input.greenUrl, 'green', async (green) => {
        const targetLsn = await currentLsn(blue);
        const baseline = await readGreenState(green, names);
        let lagBytesAtStart: number | undefined;
        const result = await pollUntil(pollTarget(context), input.pollMs ?? 500, async () => {
          const state = await readGreenState(green, names);
          if (state.errorCount > baseline.errorCount) {
            throw new DbarchError('DBA_REPLICATION_SUBSCRIPTION_ERROR', `subscription ${names.subscription} reported ${state.errorCount - baseline.errorCount} new error(s) while catching up`, {
              details: { subscription: names.subscription, errorCount: state.errorCount },
            });
          }
          const slot = await readBlueSlot(blue, names, targetLsn);
          lagBytesAtStart ??= slot.lagBytes ?? undefined;
          const copying = state.tablesReady < state.tablesTotal;
          if (!copying && slot.confirmedLsn !== null && slot.lagBytes !== null && slot.lagBytes <= 0) {
            return { done: true, value: { confirmedLsn: slot.confirmedLsn, tablesTotal: state.tablesTotal } };
          }
          const progress: CatchUpProgress = {
            phase: copying ? 'initial-copy' : 'streaming',
            targetLsn,
            tablesReady: state.tablesReady,
            tablesTotal: state.tablesTotal,
            lagBytes: slot.lagBytes,
          };
          return { done: false, progress: { ...progress } };
        });
        const caughtUp: CatchUpResult = {
          targetLsn,
          confirmedLsn: result.confirmedLsn,
          lagBytesAtStart: Math.max(0, lagBytesAtStart ?? 0),
          lagBytes: 0,
          tablesTotal: result.tablesTotal,
          waitedMs: Date.now() - started,
        };
        context.log.info('green caught up', { ...caughtUp });
        return caughtUp;
      }),
    );
  };
}
