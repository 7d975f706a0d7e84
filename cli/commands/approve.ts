import { decideGate } from '../decideGate.ts';

const help = `Usage: dbarch approve <workflow-id> --as <identity> (--plan-hash <hash> | --yes) [--comment <text>] [--gate <id>] [--format json]

Approves the open approval gate of a plan interpreter workflow (a Workflow Update). Approve what you reviewed:
--plan-hash is the full hash \`dbarch status <id>\` (or \`dbarch dev\`, \`dbarch migrate\`) prints. Without it the
command prints the running plan's summary and hash and stops (exit 2), unless --yes approves that plan as it is
(non-interactive) or you answer "y" on a terminal.

Refused, with exit 1, when the identity holds none of the gate's roles (DBA_APPROVAL_NOT_AUTHORISED), already
approved it (DBA_APPROVAL_DUPLICATE), or the hash names another plan (DBA_APPROVAL_PLAN_MISMATCH). A wrong id is
DBA_WORKFLOW_NOT_FOUND; no worker answering within 10 s is DBA_WORKER_UNAVAILABLE (exit 1).

  --plan-hash <hash>  the plan reviewed; refused if the running plan differs
  -y, --yes           approve the running plan without naming its hash`;

export function run(argv: string[]): Promise<number> {
  return decideGate('approve', argv, help);
}
