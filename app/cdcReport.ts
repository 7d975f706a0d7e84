import type { Client } from '@temporalio/client';
import { cdcOptions } from '../activities/cdc/cdcActivities.ts';
import type { CdcSlotStatus } from '../activities/cdc/CdcSlotStatus.ts';
import { readCdcSlot } from '../activities/cdc/readCdcSlot.ts';
import { serviceUrls } from '../runtime/serviceUrls.ts';
import type { CdcStatus, CdcWorkflowInput } from '../workflows/cdcWorkflow.ts';
import { cdcWorkflowId } from './startCdc.ts';

export interface CdcReport {
  readonly workflowId: string;
  /** RUNNING, COMPLETED, … or null when it never ran. */
  readonly workflow: string | null;
  readonly status: CdcStatus | null;
  readonly slot: CdcSlotStatus;
}

/** `dbarch cdc status`: the workflow (state, status query) beside the slot as PostgreSQL reports it (lag in bytes). */
export async function cdcReport(client: Client | undefined, input: CdcWorkflowInput): Promise<CdcReport> {
  const options = cdcOptions(input, { urls: serviceUrls() });
  const slot = await readCdcSlot(options.databaseUrl, options.slot);
  const workflowId = cdcWorkflowId(input.database);
  if (client === undefined) return { workflowId, workflow: null, status: null, slot };
  try {
    const handle = client.workflow.getHandle(workflowId);
    const description = await handle.describe();
    const status = description.status.name === 'RUNNING' ? await handle.query<CdcStatus>('status') : null;
    return { workflowId, workflow: description.status.name, status, slot };
  } catch {
    return { workflowId, workflow: null, status: null, slot };
  }
}
