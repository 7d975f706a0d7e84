import type { Client } from '@temporalio/client';
import { readCdcSlot } from '../activities/cdc/readCdcSlot.ts';
import { cdcOptions } from '../activities/cdc/cdcActivities.ts';
import type { CdcSlotStatus } from '../activities/cdc/CdcSlotStatus.ts';
import type { Plan } from '../plan/Plan.ts';
import { loadPluginRegistry } from '../plugins/loadPluginRegistry.ts';
import { serviceUrls } from '../runtime/serviceUrls.ts';
import type { CdcWorkflowInput } from '../workflows/cdcWorkflow.ts';
import type { CdcEnvironment } from './cdcEnvironmentOf.ts';
import { planOrThrow } from './planOrThrow.ts';
import { startPlanWorkflow, type StartedPlan } from './startPlanWorkflow.ts';

/** The shipped procedure `dbarch cdc drop-slot` runs; a spec's own `cdc_drop_slot` fork wins. */
export const cdcDropSlotProcedure = 'cdc_drop_slot';

export interface CdcDropSlotRun {
  readonly environment: CdcEnvironment;
  /** The slot when the run was asked for (its lag is what approving loses). */
  readonly slot: CdcSlotStatus;
  readonly plan: Plan;
  /** Null when the slot does not exist: nothing to drop, nothing started. */
  readonly started: StartedPlan | null;
}

/**
 * `cdc_drop_slot:<env>:<database>:<slot>:<confirmed LSN>`: asking twice for the same pending slot attaches to one
 * run (one gate to decide), a slot that has moved on or was made again gets a run of its own, and a rejected run
 * (a failure) may be asked for again.
 */
export function cdcDropSlotWorkflowId(environment: string, database: string, slot: CdcSlotStatus): string {
  return `cdc_drop_slot:${environment}:${database}:${slot.slot}:${slot.confirmedLsn ?? 'none'}`;
}

/** Plans dbarch/cdc_drop_slot for the environment and starts it (inspect → approval gate → drop) on the workers. */
export async function startCdcDropSlot(client: Client, paths: readonly string[], input: CdcWorkflowInput, environment: CdcEnvironment, taskQueue: string): Promise<CdcDropSlotRun> {
  const plan = await planOrThrow({ paths, environment: environment.name, procedure: cdcDropSlotProcedure, registry: await loadPluginRegistry() });
  const options = cdcOptions(input, { urls: serviceUrls() });
  const slot = await readCdcSlot(options.databaseUrl, options.slot);
  if (!slot.exists) return { environment, slot, plan, started: null };
  const started = await startPlanWorkflow(client, plan, taskQueue, cdcDropSlotWorkflowId(environment.name, input.database, slot));
  return { environment, slot, plan, started };
}
