import { compileSpec } from '../compiler/compileSpec.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import { cdcInputOfSections } from '../plugins/cdc/cdcInputOfSections.ts';
import type { CdcWorkflowInput } from '../workflows/cdcWorkflow.ts';
import { planningError } from './planningError.ts';

export interface CdcInputOverrides {
  readonly database?: string;
  readonly exchange?: string;
  readonly maxSlotWalKeepSize?: string;
}

/** The cdc workflow's input from a spec's cdc_config (see `cdcInputOfSections`), with the CLI's overrides. */
export async function cdcWorkflowInput(paths: readonly string[], overrides: CdcInputOverrides = {}): Promise<CdcWorkflowInput> {
  const compiled = await compileSpec(paths);
  if (!compiled.valid || compiled.spec === undefined) throw planningError(`${paths.join(', ')} is not a valid spec`, compiled.errors);
  const cdc = compiled.spec.cdc_config;
  if (cdc === undefined) throw new DbarchError('DBA_CDC_INPUT', `${paths.join(', ')} has no cdc_config`);
  return {
    ...cdcInputOfSections(cdc, compiled.spec.clusters, compiled.spec.queue_config?.url, overrides.database ?? cdc.database),
    ...(overrides.exchange === undefined ? {} : { exchange: overrides.exchange }),
    ...(overrides.maxSlotWalKeepSize === undefined ? {} : { maxSlotWalKeepSize: overrides.maxSlotWalKeepSize }),
  };
}
