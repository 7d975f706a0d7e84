import type { Client } from '@temporalio/client';
import type { AuditWorkflowInput } from '../workflows/auditWorkflow.ts';
import { startSingletonWorkflow, type StartedSingleton } from './startSingletonWorkflow.ts';

/** One audit collector per cluster: `audit:<cluster>`, so a second start attaches instead of reading the logs twice. */
export function auditWorkflowId(cluster: string): string {
  return `audit:${cluster}`;
}

/** Starts the audit workflow of a cluster, or finds the one already running. */
export async function startAudit(client: Client, input: AuditWorkflowInput, taskQueue: string): Promise<StartedSingleton> {
  return startSingletonWorkflow(client, { workflowType: 'auditWorkflow', workflowId: auditWorkflowId(input.cluster), args: [input], taskQueue, summary: `audit trail of ${input.cluster} to ${[input.s3 ? 's3' : undefined, input.hec ? 'splunk' : undefined].filter(Boolean).join(' and ')}` });
}
