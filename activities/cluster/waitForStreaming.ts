import { existsSync, readFileSync } from 'node:fs';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { ManagedMember } from './ManagedCluster.ts';
import type { MemberPaths } from './memberPaths.ts';
import { readMemberStatus } from './readMemberStatus.ts';

/**
 * Waits until the primary reports every given standby as streaming (pg_stat_replication) and, with `synchronous`,
 * as a synchronous candidate (sync, potential or quorum), polling every 100 ms.
 * DBA_CLUSTER_MEMBER_UNREACHABLE with the tail of the standbys' logs when they do not within the timeout.
 */
export async function waitForStreaming(primary: ManagedMember, standbys: readonly { member: ManagedMember; paths: MemberPaths }[], timeoutMs: number, options: { synchronous?: boolean } = {}): Promise<void> {
  if (standbys.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  let missing: string[] = standbys.map((s) => s.member.name);
  for (;;) {
    const status = await readMemberStatus(primary, 2000);
    // A listed standby reports `async` until it has caught up; in sync modes it counts once it can confirm commits.
    const streaming = new Set(status.replication.filter((r) => r.state === 'streaming' && (options.synchronous !== true || r.syncState !== 'async')).map((r) => r.member));
    missing = standbys.map((s) => s.member.name).filter((name) => !streaming.has(name));
    if (missing.length === 0) return;
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const logs = standbys.filter((s) => missing.includes(s.member.name)).map((s) => `${s.member.name}: ${logTail(s.paths.logFile)}`);
  throw new DbarchError('DBA_CLUSTER_MEMBER_UNREACHABLE', `standby ${missing.join(', ')} did not stream from ${primary.name} within ${Math.round(timeoutMs / 1000)} s\n${logs.join('\n')}`, {
    details: { primary: primary.name, missing },
  });
}

/** The last lines of a member's server log, for error messages. */
export function logTail(file: string, lines = 8): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
