import { cdcOptions } from '../activities/cdc/cdcActivities.ts';
import type { CdcPrepareReport } from '../activities/cdc/CdcPrepareReport.ts';
import { prepareCdc } from '../activities/cdc/prepareCdc.ts';
import type { Logger } from '../runtime/logger.ts';
import { serviceUrls } from '../runtime/serviceUrls.ts';
import type { CdcWorkflowInput } from '../workflows/cdcWorkflow.ts';

/**
 * `dbarch cdc start` prepares the slot before it starts the workflow, so a bad table, a foreign slot or an
 * unreachable broker is a coded error on the terminal (exit 1) and no workflow starts; the workflow's own prepare
 * then finds everything in place (idempotent).
 */
export async function prepareCdcOfInput(input: CdcWorkflowInput, log: Logger): Promise<CdcPrepareReport> {
  const options = cdcOptions(input, { urls: serviceUrls() });
  return prepareCdc({ ...options, ...(input.maxSlotWalKeepSize === undefined ? {} : { maxSlotWalKeepSize: input.maxSlotWalKeepSize }) }, log);
}
