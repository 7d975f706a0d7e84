import { formatDuration } from '../compiler/grammar/parseDuration.ts';
import type { Plan, PlanNode } from './Plan.ts';

/**
 * The plan as people read it, in the order it runs, one line per node with the reason, like `terraform plan`:
 *
 *   + 1. create_table   builtin/sql   run SQL on database app: CREATE TABLE …   (timeout 30s, 5 attempts, compensate: …)
 */
export function renderPlan(plan: Plan): string {
  const lines = [`Plan ${plan.hash.slice(0, 12)} · ${plan.summary}`, `spec revision ${plan.specRevision.slice(0, 12)} · operation ${plan.operation}`, ''];
  if (plan.approvals) {
    const mfa = plan.approvals.mfaAlways ? 'MFA for every approval' : plan.approvals.mfaRoles.length > 0 ? `MFA for ${plan.approvals.mfaRoles.join(', ')}` : 'no MFA required';
    lines.splice(2, 0, `approvals need a token signed by ${plan.approvals.issuer} (roles from claim ${plan.approvals.rolesClaim}; ${mfa})`);
  }
  let counter = 0;
  const visit = (node: PlanNode, depth: number): void => {
    const pad = '  '.repeat(depth);
    const when = node.when ? ` [if ${node.when.step}${node.when.output ? `.${node.when.output}` : ''} = ${JSON.stringify(node.when.equals)}]` : '';
    switch (node.kind) {
      case 'sequence':
        lines.push(`${pad}» ${node.id}: ${node.reason}${when}`);
        node.nodes.forEach((child) => visit(child, depth + 1));
        return;
      case 'parallel':
        lines.push(`${pad}‖ ${node.id}: ${node.reason}${when}`);
        node.branches.forEach((branch) => visit(branch, depth + 1));
        return;
      case 'step': {
        counter += 1;
        const retry = `${node.retry.maximumAttempts} attempt${node.retry.maximumAttempts === 1 ? '' : 's'}`;
        lines.push(`${pad}+ ${counter}. ${node.id}  ${node.uses}  ${node.reason}${when}`);
        lines.push(`${pad}     timeout ${formatDuration(node.timeoutMs)}, ${retry}${node.compensate ? `; on failure: ${node.compensate.reason}` : ''}`);
        return;
      }
      case 'gate':
        counter += 1;
        lines.push(`${pad}? ${counter}. ${node.id}  approval  ${node.reason}${when}`);
        return;
      case 'timer':
        counter += 1;
        lines.push(`${pad}~ ${counter}. ${node.id}  wait  ${node.reason}${when}`);
        return;
      case 'child':
        counter += 1;
        lines.push(`${pad}> ${counter}. ${node.id}  child workflow  ${node.reason}${when}`);
        return;
    }
  };
  plan.root.nodes.forEach((node) => visit(node, 0));
  for (const skipped of plan.skipped) lines.push(`- ${skipped.id}  skipped: ${skipped.reason}`);
  return lines.join('\n');
}
