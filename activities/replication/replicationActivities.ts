import { Context } from '@temporalio/activity';
import type { ActivityDeps } from '../ActivityDeps.ts';
import { awaitReplicationCatchUp } from './awaitReplicationCatchUp.ts';
import { prepareGreen } from './prepareGreen.ts';
import { retireBlue } from './retireBlue.ts';
import { revertRouting } from './revertRouting.ts';
import { switchRouting } from './switchRouting.ts';
import { syncSequences } from './syncSequences.ts';
import { verifyGreen } from './verifyGreen.ts';
import { pollTarget } from './pollTarget.ts';
import { watchGreen, type WatchGreenInput } from './watchGreen.ts';

/** Blue-green deployments: logical replication from blue to green, verification, the routing switch, the watch after it, teardown. */
export function replicationActivities(deps: ActivityDeps) {
  const watch = watchGreen(deps);
  return {
    prepareGreen: prepareGreen(deps),
    awaitReplicationCatchUp: awaitReplicationCatchUp(deps),
    verifyGreen: verifyGreen(deps),
    syncSequences: syncSequences(deps),
    switchRouting: switchRouting(deps),
    revertRouting: revertRouting(deps),
    // Called as a plain activity, Temporal's own retry keeps the heartbeat details the window resumes from.
    watchGreen: (input: WatchGreenInput) => {
      const context = Context.current();
      return watch({ ...input, resume: input.resume ?? context.info.heartbeatDetails }, { ...pollTarget(context), log: deps.log });
    },
    retireBlue: retireBlue(deps),
  };
}

export type ReplicationActivities = ReturnType<typeof replicationActivities>;
