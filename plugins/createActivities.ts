import type { ActivityDeps } from '../activities/ActivityDeps.ts';
import { approvalTokenVerifier } from '../activities/approvals/approvalTokenVerifier.ts';
import { auditActivities } from '../activities/audit/auditActivities.ts';
import { backupActivities } from '../activities/backup/backupActivities.ts';
import { cdcActivities } from '../activities/cdc/cdcActivities.ts';
import { failoverActivities } from '../activities/failover/failoverActivities.ts';
import { outboxActivities } from '../activities/outbox/outboxActivities.ts';
import { restoreActivities } from '../activities/backup/restore/restoreActivities.ts';
import { replicationActivities } from '../activities/replication/replicationActivities.ts';
import { smokeActivities } from '../activities/smoke/smokeActivities.ts';
import { planFromSpecActivity } from '../workflows/interpreter/planFromSpecActivity.ts';
import { verifyApprovalTokenActivity } from '../workflows/interpreter/verifyApprovalTokenActivity.ts';
import { createPluginRegistry } from './createPluginRegistry.ts';
import { alertEvaluatorActivities } from './monitoring/alertEvaluatorActivities.ts';
import type { PluginEntry } from './loadPlugins.ts';
import { planFromSpec } from './planFromSpec.ts';

/**
 * Every activity a worker registers, by the name workflows call it: every step of the built-in, in-tree and
 * external plugins (`plugins`, from DBARCH_PLUGINS) as `<plugin>/<step>`, the planner for UI starts, the approval-token check of verified gates, and the
 * engine activities workflows call directly (smoke, backup, replication, the outbox relay, the failover monitor's watch, the built-in alert evaluator).
 */
export function createActivities(deps: ActivityDeps, plugins: readonly PluginEntry[] = []) {
  const registry = createPluginRegistry(deps, plugins);
  return {
    ...smokeActivities(deps),
    ...registry.activities(),
    [planFromSpecActivity]: planFromSpec(registry),
    [verifyApprovalTokenActivity]: approvalTokenVerifier(process.env),
    ...backupActivities(deps),
    ...replicationActivities(deps),
    ...outboxActivities(deps),
    ...auditActivities(deps),
    ...cdcActivities(deps),
    ...failoverActivities(deps),
    ...restoreActivities(deps),
    ...alertEvaluatorActivities(deps),
  };
}

export type BuiltinActivities = ReturnType<typeof createActivities>;
