import type { Client } from '@temporalio/client';
import type { CdcWorkflowInput } from '../workflows/cdcWorkflow.ts';
import { startSingletonWorkflow, type StartedSingleton } from './startSingletonWorkflow.ts';

/** One CDC stream per database: `cdc:<database>`, so a second start (a double click, a retried deploy) attaches. */
export function cdcWorkflowId(database: string): string {
  return `cdc:${database}`;
}

/** Starts the cdc workflow for a database, or finds the one already running. */
export async function startCdc(client: Client, input: CdcWorkflowInput, taskQueue: string): Promise<StartedSingleton> {
  return startSingletonWorkflow(client, { workflowType: 'cdcWorkflow', workflowId: cdcWorkflowId(input.database), args: [input], taskQueue, summary: `CDC of ${input.database} (${input.tables.map((t) => t.table).join(', ')}) to ${input.publishTo}` });
}
