import type { ManagedCluster, ManagedMember } from './ManagedCluster.ts';
import { ensureMemberDirectories } from './ensureMemberDirectories.ts';
import type { MemberPaths } from './memberPaths.ts';
import { runServerTool } from './serverTool.ts';
import { writeMemberConfig } from './writeMemberConfig.ts';

/** A new primary: initdb with data checksums (pg_rewind and corruption detection need them), then its settings. */
export async function initPrimary(cluster: ManagedCluster, member: ManagedMember, paths: MemberPaths): Promise<void> {
  ensureMemberDirectories(paths);
  await runServerTool('initdb', ['-D', paths.data, '--data-checksums', '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions']);
  writeMemberConfig(cluster, member, paths);
}
