import type { ActivityDeps } from '../ActivityDeps.ts';
import { awaitReplicationCatchUp } from './awaitReplicationCatchUp.ts';
import { prepareGreen } from './prepareGreen.ts';
import { retireBlue } from './retireBlue.ts';
import { revertRouting } from './revertRouting.ts';
import { switchRouting } from './switchRouting.ts';
import { syncSequences } from './syncSequences.ts';
import { verifyGreen } from './verifyGreen.ts';
import { watchGreen } from './watchGreen.ts';

/** Blue-green deployments: logical replication from blue to green, verification, the routing switch, the watch after it, teardown. */
export function replicationActivities(deps: ActivityDeps) {
  return {
    prepareGreen: prepareGreen(deps),
    awaitReplicationCatchUp: awaitReplicationCatchUp(deps),
    verifyGreen: verifyGreen(deps),
    syncSequences: syncSequences(deps),
    switchRouting: switchRouting(deps),
    revertRouting: revertRouting(deps),
    watchGreen: watchGreen(deps),
    retireBlue: retireBlue(deps),
  };
}

export type ReplicationActivities = ReturnType<typeof replicationActivities>;
