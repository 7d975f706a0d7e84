import path from 'node:path';
import type { ManagedCluster, ManagedMember } from './ManagedCluster.ts';

export interface MemberPaths {
  /** `<data_directory>/<cluster>/<member>`: everything of the member, owned by the postgres user. */
  readonly root: string;
  /** PGDATA. */
  readonly data: string;
  /** The unix socket directory (kept out of /var/run so members never collide with the system cluster). */
  readonly socket: string;
  readonly logFile: string;
}

export function memberPaths(cluster: Pick<ManagedCluster, 'name' | 'dataDirectory'>, member: Pick<ManagedMember, 'name'>): MemberPaths {
  const root = path.join(cluster.dataDirectory, cluster.name, member.name);
  return { root, data: path.join(root, 'data'), socket: path.join(root, 'run'), logFile: path.join(root, 'log', 'postgresql.log') };
}
