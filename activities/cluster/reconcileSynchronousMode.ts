import pg from 'pg';
import { memberUrl } from '../../compiler/sections/clusters/memberUrl.ts';
import type { ManagedCluster, ManagedMember } from './ManagedCluster.ts';
import { readMemberStatus } from './readMemberStatus.ts';
import { synchronousStandbyNames } from './synchronousStandbyNames.ts';

export interface SynchronousModeResult {
  /** The value in force after the call. */
  readonly synchronousStandbyNames: string;
  /** Whether this call changed it. */
  readonly changed: boolean;
  /** sync mode only: fewer standbys stream than the spec's count, so commits wait for fewer (none: async). */
  readonly relaxed: boolean;
  readonly streaming: readonly string[];
}

/**
 * What `replication.mode` promises, applied to the running primary. `strict` and `async` never change (all
 * members, or none). `sync` waits for min(count, streaming standbys): when standbys are gone commits wait for the
 * ones left, and with none left the primary commits alone (relaxed), so writes continue; when they stream again
 * the spec's value is restored. The override is ALTER SYSTEM (postgresql.auto.conf, over dbarch.conf) + reload;
 * restoring is ALTER SYSTEM RESET. The monitor calls this on every round; `cluster up` once at the end.
 */
export async function reconcileSynchronousMode(cluster: ManagedCluster, primary: ManagedMember, timeoutMs = 3000): Promise<SynchronousModeResult> {
  const status = await readMemberStatus(primary, timeoutMs);
  const streaming = status.replication.filter((r) => r.state === 'streaming').map((r) => r.member);
  const configured = synchronousStandbyNames(cluster);
  let wanted = configured;
  let relaxed = false;
  if (cluster.mode === 'sync') {
    const count = Math.min(cluster.synchronous.count, streaming.length);
    relaxed = count < cluster.synchronous.count;
    wanted = count === 0 ? '' : synchronousStandbyNames({ ...cluster, synchronous: { ...cluster.synchronous, count } });
  }
  const client = new pg.Client({ connectionString: memberUrl(primary), connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, application_name: 'dbarch:cluster' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const current = (await client.query<{ value: string }>(`SELECT current_setting('synchronous_standby_names') AS value`)).rows[0]?.value ?? '';
    if (current === wanted) return { synchronousStandbyNames: current, changed: false, relaxed, streaming };
    await client.query(wanted === configured ? 'ALTER SYSTEM RESET synchronous_standby_names' : `ALTER SYSTEM SET synchronous_standby_names = ${client.escapeLiteral(wanted)}`);
    await client.query('SELECT pg_reload_conf()');
    return { synchronousStandbyNames: wanted, changed: true, relaxed, streaming };
  } finally {
    await client.end().catch(() => undefined);
  }
}
