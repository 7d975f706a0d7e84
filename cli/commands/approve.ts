import { decideGate } from '../decideGate.ts';

const help = `Usage: dbarch approve <workflow-id> (--as <identity> | --token <jwt> | --token-file <file>) (--plan-hash <hash> | --yes) [--comment <text>] [--gate <id>] [--format json]

Approves the open approval gate of a plan interpreter workflow (a Workflow Update). Approve what you reviewed:
--plan-hash is the full hash \`dbarch status <id>\` (or \`dbarch dev\`, \`dbarch migrate\`) prints. Without it the
command prints the running plan's summary and hash and stops (exit 2), unless --yes approves that plan as it is
(non-interactive) or you answer "y" on a terminal.

A gate of a protected environment (security_config.approvals; \`dbarch status\` shows its token issuer) takes
no --as: it needs a token from that identity provider (--token, --token-file, - for stdin, or the environment
variable DBARCH_APPROVAL_TOKEN). A worker verifies it; who approved and as which roles come from its claims.
Missing: DBA_APPROVAL_TOKEN_REQUIRED; forged: DBA_APPROVAL_TOKEN_INVALID; expired: DBA_APPROVAL_TOKEN_EXPIRED;
another issuer or audience: DBA_APPROVAL_TOKEN_CLAIMS; no second factor where a role needs one:
DBA_APPROVAL_MFA_REQUIRED. A refused token is recorded in the workflow (status.refused) and the gate stays open.

Refused, with exit 1, when the identity holds none of the gate's roles (DBA_APPROVAL_NOT_AUTHORISED), already
approved it (DBA_APPROVAL_DUPLICATE), or the hash names another plan (DBA_APPROVAL_PLAN_MISMATCH). A wrong id is
DBA_WORKFLOW_NOT_FOUND; no worker answering within 10 s is DBA_WORKER_UNAVAILABLE (exit 1).

  --plan-hash <hash>  the plan reviewed; refused if the running plan differs
  -y, --yes           approve the running plan without naming its hash
  --token <jwt>       the approval token (prefer --token-file: a flag shows in the process list)
  --token-file <file> read the token from a file (- for stdin)`;

export function run(argv: string[]): Promise<number> {
  return decideGate('approve', argv, help);
}
