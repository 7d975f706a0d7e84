import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { memberUrl } from '../../compiler/sections/clusters/memberUrl.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { cloneStandby } from './cloneStandby.ts';
import { ensureReplicationSlots } from './ensureReplicationSlots.ts';
import type { ManagedCluster, ManagedMember } from './ManagedCluster.ts';
import { memberPaths } from './memberPaths.ts';
import { startMemberServer, stopMemberServer } from './memberServer.ts';
import { readMemberStatus } from './readMemberStatus.ts';
import { reconcileSynchronousMode } from './reconcileSynchronousMode.ts';
import { runServerTool } from './serverTool.ts';
import { waitForStreaming } from './waitForStreaming.ts';
import { writeMemberConfig } from './writeMemberConfig.ts';
import { writeStandbyConfig } from './writeStandbyConfig.ts';

export interface RejoinResult {
  readonly member: string;
  readonly primary: string;
  /** `rewind`: pg_rewind onto the primary's timeline; `clone`: rewind was impossible, a fresh pg_basebackup; `none`: it already streamed from the primary. */
  readonly method: 'rewind' | 'clone' | 'none';
  /** Whether a running server had to be stopped first (a former primary that came back by itself). */
  readonly stopped: boolean;
}

/**
 * Brings `memberName` back as a standby of `primary` (the published primary): stop it if it runs (it may be a
 * former primary written to by nobody through dbarch, fenced by the topology's epoch), pg_rewind it onto the
 * primary's timeline (crash recovery first when it was killed), write its settings again (pg_rewind copies the
 * source's), standby.signal and primary_conninfo, and only then start it: it never starts as a primary. When
 * pg_rewind cannot (WAL the rewind needs is gone), the member is cloned afresh. Waits until it streams.
 */
export async function rejoinMember(cluster: ManagedCluster, memberName: string, primary: ManagedMember, options: { timeoutMs?: number; log?: (message: string) => void } = {}): Promise<RejoinResult> {
  const member = cluster.members.find((m) => m.name === memberName);
  if (member === undefined) throw new DbarchError('DBA_CLUSTER_REJOIN_INVALID', `cluster ${cluster.name} has no member ${memberName}`, { hint: `its members: ${cluster.members.map((m) => m.name).join(', ')}` });
  if (member.name === primary.name) throw new DbarchError('DBA_CLUSTER_REJOIN_INVALID', `${memberName} is the current primary of ${cluster.name}; only a former primary or a standby rejoins`);
  const paths = memberPaths(cluster, member);
  if (!existsSync(path.join(paths.data, 'PG_VERSION'))) throw new DbarchError('DBA_CLUSTER_REJOIN_INVALID', `${memberName} has no data directory at ${paths.data}`, { hint: 'run `dbarch cluster up`, which creates missing members' });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const primaryStatus = await readMemberStatus(primary, 3000);
  if (primaryStatus.role !== 'primary') {
    throw new DbarchError('DBA_CLUSTER_NO_PRIMARY', `${primary.name} is not a reachable primary (${primaryStatus.error ?? `it runs as ${primaryStatus.role ?? '?'}`}), so ${memberName} cannot rejoin it`);
  }
  const already = primaryStatus.replication.some((r) => r.member === member.name && r.state === 'streaming');
  if (already) return { member: member.name, primary: primary.name, method: 'none', stopped: false };

  const stopped = await stopMemberServer(paths, 'fast').catch(() => stopMemberServer(paths, 'immediate'));
  let method: RejoinResult['method'] = 'rewind';
  // A promoted primary writes its new timeline into pg_control only at its next checkpoint; pg_rewind reads the
  // timeline from there, and without this would find "the same timeline, no rewind required" and leave the
  // divergent WAL in place (the member then fails to follow: "requested timeline 2 is not a child").
  await checkpoint(primary);
  try {
    await runServerTool('pg_rewind', ['--target-pgdata', paths.data, '--source-server', `host=${primary.host} port=${primary.port} user=postgres dbname=postgres`], { timeoutMs: 300_000 });
    writeMemberConfig(cluster, member, paths);
    writeStandbyConfig(paths, member, primary);
  } catch (error) {
    if (!(error instanceof DbarchError) || error.code !== 'DBA_CLUSTER_TOOL_FAILED') throw error;
    options.log?.(`pg_rewind of ${member.name} failed, cloning it afresh: ${error.message}`);
    method = 'clone';
    await cloneStandby(cluster, member, paths, primary);
  }
  await ensureReplicationSlots(memberUrl(primary), [member.name], { reserve: true });
  await startMemberServer(paths);
  await waitForStreaming(primary, [{ member, paths }], timeoutMs);
  // A sync-mode primary that was relaxed while it had no standby waits for standbys again now that one is back;
  // only then can the member become a synchronous candidate.
  if (cluster.mode === 'sync') await reconcileSynchronousMode(cluster, primary);
  if (cluster.mode !== 'async') await waitForStreaming(primary, [{ member, paths }], timeoutMs, { synchronous: true });
  return { member: member.name, primary: primary.name, method, stopped };
}

async function checkpoint(primary: ManagedMember): Promise<void> {
  const client = new pg.Client({ connectionString: memberUrl(primary), connectionTimeoutMillis: 5000, application_name: 'dbarch:cluster' });
  // A server that dies mid-check emits 'error' on the client; the awaited call reports it.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('CHECKPOINT');
  } finally {
    await client.end().catch(() => undefined);
  }
}
