import type { ClusterMemberSpec } from './schema.ts';

/**
 * The connection URL of a managed member: superuser `postgres` over TCP to its host and port, trust auth on
 * loopback like the rest of the local stack (provisioning writes pg_hba that way). The one place the derived URL
 * is spelled, for the compiled spec's `primary`/`replicas` and for the engine.
 */
export function memberUrl(member: Pick<ClusterMemberSpec, 'host' | 'port'>, database = 'postgres'): string {
  return `postgres://postgres@${member.host}:${member.port}/${encodeURIComponent(database)}`;
}
