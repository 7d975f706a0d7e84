import { decideGate } from '../decideGate.ts';

const help = `Usage: dbarch approve <workflow-id> --as <identity> [--comment <text>] [--plan-hash <hash>] [--gate <id>] [--format json]

Approves the open approval gate of a plan interpreter workflow (a Workflow Update). Refused, with exit 1, when
the identity holds none of the gate's roles (DBA_APPROVAL_NOT_AUTHORISED), already approved it
(DBA_APPROVAL_DUPLICATE), or names another plan (DBA_APPROVAL_PLAN_MISMATCH; default: the running plan's hash).`;

export function run(argv: string[]): Promise<number> {
  return decideGate('approve', argv, help);
}
