import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { parseFrequency } from '../compiler/grammar/parseFrequency.ts';
import { upsertSchedule } from './upsertSchedule.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import { stateDir } from '../runtime/stateDir.ts';
import type { RestoreDrillWorkflowInput } from '../workflows/restoreDrillWorkflow.ts';
import { pitrSettingsOfSpec } from './pitrSettingsOfSpec.ts';
import { workflowIdTime } from './workflowIdTime.ts';

export interface DrillOptions {
  readonly cluster?: string;
  readonly countTables?: readonly string[];
  readonly minimumRows?: Readonly<Record<string, number>>;
  readonly alertWebhook?: string;
  /** Where scratch instances go on the worker; default .dbarch/drills. */
  readonly scratchRoot?: string;
}

/** The drill workflow's input from a spec's backup_config (references kept) and the command line. */
export async function restoreDrillInput(paths: readonly string[], options: DrillOptions): Promise<RestoreDrillWorkflowInput> {
  const settings = await pitrSettingsOfSpec(paths, options.cluster);
  const counted = [...new Set([...(options.countTables ?? []), ...Object.keys(options.minimumRows ?? {})])];
  return {
    cluster: settings.cluster,
    backupDestination: settings.backupDestination,
    ...(settings.keyReference === undefined ? {} : { backupKeyReference: settings.keyReference }),
    wal: settings.wal,
    scratchRoot: options.scratchRoot ?? join(stateDir(), 'drills'),
    ...(counted.length > 0 ? { countTables: counted } : {}),
    ...(options.minimumRows ? { minimumRows: options.minimumRows } : {}),
    ...(options.alertWebhook ? { alertWebhook: options.alertWebhook } : {}),
  };
}

/** `drill:<cluster>:<time>` now. */
export async function startRestoreDrill(client: Client, input: RestoreDrillWorkflowInput, taskQueue: string, at: Date = new Date()): Promise<{ workflowId: string; runId: string }> {
  const workflowId = `drill:${input.cluster}:${workflowIdTime(at)}`;
  const handle = await client.workflow.start('restoreDrillWorkflow', { taskQueue, workflowId, args: [input], workflowIdConflictPolicy: 'FAIL', memo: { summary: `restore drill of ${input.cluster}` } });
  return { workflowId, runId: handle.firstExecutionRunId };
}

/**
 * The Temporal Schedule `drill:<cluster>` running the drill on `frequency` (the frequency grammar: daily, weekly,
 * cron), UTC, a slot skipped while the previous drill runs. Applying again updates it.
 */
export async function applyRestoreDrillSchedule(client: Client, input: RestoreDrillWorkflowInput, frequency: string, taskQueue: string): Promise<{ scheduleId: string; cron: string; action: 'created' | 'updated' }> {
  const parsed = parseFrequency(frequency);
  if (!parsed.ok) throw new DbarchError('DBA_USAGE', `--schedule ${frequency}: ${parsed.message}`);
  const scheduleId = `drill:${input.cluster}`;
  const applied = await upsertSchedule(client, scheduleId, parsed.value.cron, {
    type: 'startWorkflow', workflowType: 'restoreDrillWorkflow', workflowId: scheduleId, taskQueue, args: [input], memo: { summary: `restore drill of ${input.cluster}` },
  }, { cluster: input.cluster, frequency });
  return { scheduleId, cron: applied.cron, action: applied.action };
}
