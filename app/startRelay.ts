import type { Client } from '@temporalio/client';
import type { RelayWorkflowInput } from '../workflows/relayWorkflow.ts';
import { startSingletonWorkflow, type StartedSingleton } from './startSingletonWorkflow.ts';

/** One relay per database: `relay:<database>`, so a second start (a double click, a retried deploy) attaches. */
export function relayWorkflowId(database: string): string {
  return `relay:${database}`;
}

/** Starts the relay workflow for a database, or finds the one already running. */
export async function startRelay(client: Client, input: RelayWorkflowInput, taskQueue: string): Promise<StartedSingleton> {
  return startSingletonWorkflow(client, { workflowType: 'relayWorkflow', workflowId: relayWorkflowId(input.database), args: [input], taskQueue, summary: `outbox relay of ${input.database} to ${input.exchange}` });
}
