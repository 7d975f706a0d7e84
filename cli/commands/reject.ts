import { decideGate } from '../decideGate.ts';

const help = `Usage: dbarch reject <workflow-id> (--as <identity> | --token <jwt> | --token-file <file>) [--comment <text>] [--plan-hash <hash>] [--gate <id>] [--format json]

Rejects the open approval gate: the workflow runs the compensations of its completed steps and fails with
DBA_APPROVAL_REJECTED. The same authorisation rules as approve apply; without --plan-hash the running plan is
rejected. A gate of a protected environment takes a verified token instead of --as, as for approve
(--token, --token-file, DBARCH_APPROVAL_TOKEN). A wrong id is DBA_WORKFLOW_NOT_FOUND; no worker answering within 10 s is DBA_WORKER_UNAVAILABLE.`;

export function run(argv: string[]): Promise<number> {
  return decideGate('reject', argv, help);
}
