import type { Client } from '@temporalio/client';
import { parseFrequency } from '../compiler/grammar/parseFrequency.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import type { Plan, PlanNode } from '../plan/Plan.ts';
import { planHash } from '../plan/planHash.ts';
import type { AppliedSchedule } from './applyBackupSchedule.ts';
import { planScheduleAction } from './planScheduleAction.ts';
import { upsertSchedule } from './upsertSchedule.ts';
import { planCacheWarm } from './startCacheWarm.ts';

/** The plan with every cache/warm step limited to one warming query (hash recomputed: it is another plan). */
function onlyQuery(plan: Plan, name: string): Plan {
  const limit = (node: PlanNode): PlanNode => {
    if (node.kind === 'step' && node.uses === 'cache/warm') return { ...node, input: { ...node.input, only: [name] } };
    if (node.kind === 'sequence') return { ...node, nodes: node.nodes.map(limit) };
    if (node.kind === 'parallel') return { ...node, branches: node.branches.map(limit) };
    return node;
  };
  const limited = { ...plan, summary: `${plan.summary} (${name})`, root: { ...plan.root, nodes: plan.root.nodes.map(limit) } };
  return { ...limited, hash: planHash(limited) };
}

/**
 * One Temporal Schedule `cache-warm:<database>:<query>` per cache_config.warming[] with a `schedule` (UTC), running
 * dbarch/cache_warm limited to that query; visible and pausable in the Temporal UI. A slot whose previous run is
 * still going is skipped. Applying again updates them to the spec. Queries without `schedule` get none.
 */
export async function applyCacheWarmSchedules(client: Client, paths: readonly string[], taskQueue: string, environment?: string): Promise<AppliedSchedule[]> {
  const { plan, database, warming } = await planCacheWarm(paths, environment);
  const applied: AppliedSchedule[] = [];
  for (const query of warming) {
    if (query.schedule === undefined) continue;
    const frequency = parseFrequency(query.schedule);
    if (!frequency.ok) throw new DbarchError(frequency.code, `cache_config.warming ${query.name}.schedule: ${frequency.message}`);
    const limited = onlyQuery(plan, query.name);
    const scheduleId = `cache-warm:${database}:${query.name}`;
    applied.push(await upsertSchedule(client, scheduleId, frequency.value.cron, planScheduleAction(limited, scheduleId, taskQueue), { database, query: query.name, frequency: query.schedule, planHash: limited.hash }));
  }
  return applied;
}
