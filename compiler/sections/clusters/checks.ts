import type { SectionCheckContext } from '../../SectionDefinition.ts';
import { reportDuplicates } from '../reportDuplicates.ts';
import type { ClusterSpec, Clusters } from './schema.ts';

export function checkClusters(clusters: Clusters, ctx: SectionCheckContext): void {
  reportDuplicates(ctx, clusters.map((c, i) => ({ value: c.name, path: [i, 'name'] })), 'cluster');
  clusters.forEach((cluster, i) => {
    reportDuplicates(ctx, cluster.databases.map((db, j) => ({ value: db, path: [i, 'databases', j] })), 'database');
    checkManagement(cluster, i, ctx);
  });
  checkMemberAddresses(clusters, ctx);
}

/** A cluster is either described by URLs (not managed) or by members (managed), never both or neither. */
function checkManagement(cluster: ClusterSpec, i: number, ctx: SectionCheckContext): void {
  const members = cluster.members;
  if (members === undefined) {
    if (cluster.primary === undefined) ctx.error([i], 'DBA_SPEC_CLUSTER_NO_PRIMARY', `cluster \`${cluster.name}\` has neither \`primary\` nor \`members\``);
    for (const key of ['replication', 'data_directory'] as const) {
      if (cluster[key] !== undefined) ctx.error([i, key], 'DBA_SPEC_CLUSTER_UNMANAGED', `\`${key}\` of cluster \`${cluster.name}\` needs \`members\`: dbarch only configures clusters it manages`);
    }
    return;
  }
  for (const key of ['primary', 'replicas'] as const) {
    if (cluster[key] !== undefined) ctx.error([i, key], 'DBA_SPEC_CLUSTER_MANAGED_URL', `cluster \`${cluster.name}\` has \`members\`, so its \`${key}\` is derived from them and must not be given`);
  }
  reportDuplicates(ctx, members.map((m, j) => ({ value: m.name, path: [i, 'members', j, 'name'] })), 'member');
  const replication = cluster.replication;
  if (replication === undefined) return;
  const mode = replication.mode ?? 'async';
  const replicas = members.length - 1;
  if (mode === 'async') {
    if (replication.synchronous !== undefined) ctx.error([i, 'replication', 'synchronous'], 'DBA_SPEC_CLUSTER_SYNC_UNUSED', `cluster \`${cluster.name}\` replicates asynchronously, so \`synchronous\` has no effect`);
    return;
  }
  const count = replication.synchronous?.count ?? 1;
  if (count > replicas) {
    const at = replication.synchronous?.count === undefined ? [i, 'replication', 'mode'] : [i, 'replication', 'synchronous', 'count'];
    ctx.error(at, 'DBA_SPEC_CLUSTER_SYNC_COUNT', `cluster \`${cluster.name}\` waits for ${count} synchronous standby${count === 1 ? '' : 's'} but has ${replicas} replica${replicas === 1 ? '' : 's'}`);
  }
}

/** Members of every cluster share this machine's ports (loopback names are one host), so no two may coincide. */
function checkMemberAddresses(clusters: Clusters, ctx: SectionCheckContext): void {
  const seen = new Map<string, string>();
  clusters.forEach((cluster, i) => {
    (cluster.members ?? []).forEach((member, j) => {
      const key = `${normalHost(member.host)}:${member.port}`;
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, `${cluster.name}/${member.name}`);
        return;
      }
      ctx.error([i, 'members', j, 'port'], 'DBA_SPEC_CLUSTER_MEMBER_ADDRESS', `member \`${cluster.name}/${member.name}\` listens on ${member.host}:${member.port}, as \`${first}\` does`);
    });
  });
}

function normalHost(host: string): string {
  const lower = host.toLowerCase();
  return lower === 'localhost' ? '127.0.0.1' : lower;
}
