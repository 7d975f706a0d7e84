import type { SectionCheckContext, SectionPath } from '../../SectionDefinition.ts';
import { clustersSection } from './section.ts';

/**
 * A mesh service naming a managed cluster routes to its members: an endpoint that is no member would be traffic
 * to a server failover never moves, so it is an error. Clusters without `members` are not checked (their servers
 * are known by URL only).
 */
export function checkMemberEndpoints(
  ctx: SectionCheckContext,
  service: { readonly cluster?: string | undefined; readonly endpoints: readonly { readonly host: string; readonly port: number }[] },
  base: readonly (string | number)[],
): void {
  const cluster = ctx.section(clustersSection)?.find((c) => c.name === service.cluster);
  const members = cluster?.members;
  if (cluster === undefined || members === undefined) return;
  const same = (a: string, b: string) => normal(a) === normal(b);
  service.endpoints.forEach((endpoint, j) => {
    if (members.some((m) => m.port === endpoint.port && same(m.host, endpoint.host))) return;
    const path: SectionPath = [...base, 'endpoints', j];
    ctx.error(path, 'DBA_SPEC_MESH_NOT_MEMBER', `endpoint ${endpoint.host}:${endpoint.port} is not a member of cluster \`${cluster.name}\``, `its members: ${members.map((m) => `${m.name} (${m.host}:${m.port})`).join(', ')}`);
  });
}

function normal(host: string): string {
  const lower = host.toLowerCase();
  return lower === 'localhost' ? '127.0.0.1' : lower;
}
