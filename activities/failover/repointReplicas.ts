import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import { failoverContext, memberNamed } from './failoverContext.ts';
import type { FailoverCluster, FailoverMember } from './FailoverCluster.ts';
import { withMember } from './memberClient.ts';
import { probeMembers } from './probeMember.ts';
import { ensureSlots, repointStandby } from './repointStandby.ts';
import { syncStandbyNames } from './syncStandbyNames.ts';

export interface RepointResult {
  readonly primary: string;
  readonly repointed: readonly string[];
  /** Standbys that did not answer: they follow once they are back and repointed (or rejoined). */
  readonly skipped: readonly string[];
  readonly slotsCreated: readonly string[];
  readonly synchronousStandbyNames: string;
  /** Where the step's time went, ms: checking the members, configuring the new primary, repointing the standbys. */
  readonly timings: { readonly probeMs: number; readonly primaryMs: number; readonly standbysMs: number };
}

/**
 * After the promotion: the new primary gets a slot per standby and synchronous_standby_names naming the others,
 * then every standby that answers follows it. The old primary is left alone: it comes back only by rejoining.
 */
export async function repointReplicas(control: pg.Pool, cluster: FailoverCluster, runKey: string): Promise<RepointResult> {
  const started = performance.now();
  const context = await failoverContext(control, cluster, runKey);
  const old = context.oldPrimary.name;
  const states = await probeMembers(cluster.members, cluster.health.timeoutMs);
  const probed = performance.now();
  const primaries = states.filter((s) => s.name !== old && s.reachable && s.inRecovery === false);
  if (primaries.length !== 1) {
    throw new DbarchError(primaries.length === 0 ? 'DBA_CLUSTER_NO_PRIMARY' : 'DBA_CLUSTER_SPLIT_BRAIN', `cluster ${cluster.name}: ${primaries.length} promoted members (${primaries.map((p) => p.name).join(', ') || 'none'})`, { details: { states } });
  }
  const primary = memberNamed(cluster, primaries[0]!.name);
  const standbys: FailoverMember[] = [];
  const skipped: string[] = [];
  for (const state of states) {
    if (state.name === primary.name || state.name === old) continue;
    if (state.reachable && state.inRecovery === true) standbys.push(memberNamed(cluster, state.name));
    else skipped.push(state.name);
  }
  const names = syncStandbyNames(cluster, primary.name, standbys.length);
  const slotsCreated = await withMember(primary, cluster.health.timeoutMs * 4, async (client) => {
    const created = await ensureSlots(client, cluster.members.filter((m) => m.name !== primary.name).map((m) => m.name));
    await client.query(`ALTER SYSTEM SET synchronous_standby_names = ${client.escapeLiteral(names)}`);
    await client.query('SELECT pg_reload_conf()');
    return created;
  }).catch((error: unknown) => {
    throw new DbarchError('DBA_FAILOVER_MEMBER_UNREACHABLE', `configuring the new primary ${primary.name}: ${(error as Error).message}`, { cause: error });
  });
  const configured = performance.now();
  await Promise.all(
    standbys.map((standby) =>
      repointStandby(standby, primary, cluster.health.timeoutMs * 4).catch((error: unknown) => {
        throw new DbarchError('DBA_FAILOVER_MEMBER_UNREACHABLE', `repointing ${standby.name} to ${primary.name}: ${(error as Error).message}`, { cause: error });
      }),
    ),
  );
  const timings = { probeMs: Math.round(probed - started), primaryMs: Math.round(configured - probed), standbysMs: Math.round(performance.now() - configured) };
  return { primary: primary.name, repointed: standbys.map((s) => s.name), skipped, slotsCreated, synchronousStandbyNames: names, timings };
}
