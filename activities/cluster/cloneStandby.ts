import { rmSync } from 'node:fs';
import { ensureMemberDirectories } from './ensureMemberDirectories.ts';
import { ensureReplicationSlots } from './ensureReplicationSlots.ts';
import type { ManagedCluster, ManagedMember } from './ManagedCluster.ts';
import type { MemberPaths } from './memberPaths.ts';
import { memberUrl } from '../../compiler/sections/clusters/memberUrl.ts';
import { runServerTool } from './serverTool.ts';
import { primaryConninfo, writeStandbyConfig } from './writeStandbyConfig.ts';
import { writeMemberConfig } from './writeMemberConfig.ts';

/**
 * Creates a standby from the primary: its slot on the primary first (reserved, so the WAL it needs is kept from
 * the start), pg_basebackup streaming WAL through that slot, then the member's own settings and standby config.
 * Leaves the server stopped. Any earlier data directory is removed first (the caller decided it is not usable).
 */
export async function cloneStandby(cluster: ManagedCluster, member: ManagedMember, paths: MemberPaths, primary: ManagedMember): Promise<void> {
  ensureMemberDirectories(paths);
  rmSync(paths.data, { recursive: true, force: true });
  await ensureReplicationSlots(memberUrl(primary), [member.name], { reserve: true });
  await runServerTool('pg_basebackup', ['-D', paths.data, '-d', primaryConninfo(primary, member), '-X', 'stream', '-S', member.name, '-c', 'fast', '-w']);
  writeMemberConfig(cluster, member, paths);
  writeStandbyConfig(paths, member, primary);
}
