import type pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import { readTopology } from '../topology/readTopology.ts';

/**
 * The host of the primary that the published topology names for `cluster` (dbarch.cluster_topology in the control
 * database): what the DNS record must hold after a failover, read when the step runs, so a retry after a later
 * failover writes the newer primary, never a stale one.
 */
export async function publishedPrimaryHost(db: Pick<pg.ClientBase, 'query'>, cluster: string): Promise<{ host: string; member: string; epoch: number }> {
  const topology = await readTopology(db, cluster);
  if (topology === undefined) throw new DbarchError('DBA_DNS_INPUT', `no topology is published for cluster ${cluster}, so there is no primary to name`);
  const host = new URL(topology.primary.url).hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, member: topology.primary.member, epoch: topology.epoch };
}
