import { cdcOptions } from '../activities/cdc/cdcActivities.ts';
import { dropCdcSlot, type DropCdcSlotResult } from '../activities/cdc/dropCdcSlot.ts';
import { serviceUrls } from '../runtime/serviceUrls.ts';
import type { CdcWorkflowInput } from '../workflows/cdcWorkflow.ts';

/** `dbarch cdc drop-slot`: drops the spec's CDC slot and publication, refused unless approved (DBA_CDC_DROP_NOT_APPROVED). */
export async function dropCdcSlotOfInput(input: CdcWorkflowInput, approved: boolean): Promise<DropCdcSlotResult> {
  const options = cdcOptions(input, { urls: serviceUrls() });
  return dropCdcSlot({ databaseUrl: options.databaseUrl, slot: options.slot, publication: options.publication, approved });
}
