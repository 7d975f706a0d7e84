import { createHash } from 'node:crypto';
import { diffSecurityLive } from '../activities/security/diffSecurityLive.ts';
import type { SecurityReport } from '../activities/security/SecurityReport.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import type { Plan, PlanNode, StepNode } from '../plan/Plan.ts';
import { loadPluginRegistry } from '../plugins/loadPluginRegistry.ts';
import type { SecurityStepInput } from '../plugins/security/SecurityStepInput.ts';
import { securityTargetUrl } from '../plugins/security/securityTargetUrl.ts';
import { serviceUrls } from '../runtime/serviceUrls.ts';
import { planOrThrow } from './planOrThrow.ts';

/** The shipped procedure `dbarch security plan|apply` run; a spec's own `security` fork wins. */
export const securityProcedure = 'security';

export interface SecurityDiff {
  readonly plan: Plan;
  readonly report: SecurityReport;
}

function findStep(nodes: readonly PlanNode[], uses: string): StepNode | undefined {
  for (const node of nodes) {
    if (node.kind === 'step' && node.uses === uses) return node;
    if (node.kind === 'sequence' || node.kind === 'parallel') {
      const found = findStep(node.kind === 'sequence' ? node.nodes : node.branches, uses);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Plans dbarch/security for an environment and runs its diff step here, against the environment's database:
 * what `dbarch security plan` prints, changing nothing. DBA_USAGE when the spec has no security_config.
 */
export async function securityDiffOfSpec(paths: readonly string[], environment: string): Promise<SecurityDiff> {
  const plan = await planOrThrow({ paths, environment, procedure: securityProcedure, registry: await loadPluginRegistry() });
  const diff = findStep(plan.root.nodes, 'security/diff');
  const input = diff?.input as unknown as SecurityStepInput | undefined;
  if (input?.model === undefined) throw new DbarchError('DBA_USAGE', `${paths.join(', ')} has no security_config to plan`, { hint: 'Add security_config.authorization.roles (and row_level_security) to the spec.' });
  return { plan, report: await diffSecurityLive(securityTargetUrl(input, serviceUrls().postgres), input.model) };
}

/**
 * `security:<env>:<digest of the pending changes>`: applying the same pending diff twice attaches to one run, and a
 * new drift at the same spec revision gets a run of its own (the plan's revision id would call it already done).
 */
export function securityWorkflowId(diff: SecurityDiff): string {
  const digest = createHash('sha256').update(JSON.stringify([diff.plan.hash, diff.report.changes])).digest('hex').slice(0, 16);
  return `security:${diff.plan.environment}:${digest}`;
}
