import { DbarchError } from '../../errors/DbarchError.ts';
import type { FailoverMember } from './FailoverCluster.ts';
import { withMember } from './memberClient.ts';
import { probeMember } from './probeMember.ts';
import { stopLocalMember } from './stopLocalMember.ts';

export interface FenceResult {
  readonly member: string;
  /**
   * stopped: its postmaster was shut down here; not-running: its local postmaster was already gone; read-only: it answered but is not local, so it was set to refuse
   * writes and its sessions were ended; unreachable: nothing answered (the topology epoch fences it for dbarch);
   * standby: it already runs as a standby, nothing to fence.
   */
  readonly method: 'stopped' | 'not-running' | 'read-only' | 'unreachable' | 'standby';
}

/**
 * Makes sure a former primary accepts no more writes: stop it where it runs on this machine, else make it
 * read-only where it answers. Where it does neither, the new topology epoch is the fence: the data plane writes
 * only to the published primary. Idempotent: a stopped member stays stopped.
 */
export async function fenceMember(member: FailoverMember, timeoutMs: number): Promise<FenceResult> {
  const state = await probeMember(member, timeoutMs);
  if (state.reachable && state.inRecovery === true) return { member: member.name, method: 'standby' };
  // A primary, or a server that does not answer (hung, or dead with a pid file left): stopped where it is local.
  const stop = await stopLocalMember(member);
  if (stop !== 'not-local') return { member: member.name, method: stop };
  if (!state.reachable) return { member: member.name, method: 'unreachable' };
  try {
    await withMember(member, timeoutMs, async (client) => {
      await client.query('ALTER SYSTEM SET default_transaction_read_only = on');
      await client.query('SELECT pg_reload_conf()');
      await client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`);
    });
  } catch (error) {
    throw new DbarchError('DBA_FAILOVER_FENCE_FAILED', `${member.name} answers as a primary and could not be made read-only: ${(error as Error).message}`, { cause: error });
  }
  return { member: member.name, method: 'read-only' };
}
