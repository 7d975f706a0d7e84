import type { FailoverSubject, SubjectFactory } from './FailoverSubject.ts';
import { startPatroniCluster, type PatroniMember, type PatroniTimings } from './patroniCluster.ts';

/**
 * Patroni as a bench subject: the primary is whichever member's REST API answers 200 on /primary. `kill`
 * postmaster: kill -9 of the leader's postmaster (its agent restarts it in place while it holds the leader key);
 * node: its agent first, then the postmaster, so the leader key must expire (ttl) before a replica takes over; the
 * agent is started again before the next kill, and the old leader rejoins as a replica.
 */
export function patroniSubject(label: string, timings: PatroniTimings, synchronous: boolean, kill: 'postmaster' | 'node' = 'postmaster'): SubjectFactory {
  return {
    label,
    synchronous,
    async start(): Promise<FailoverSubject> {
      const cluster = await startPatroniCluster({ members: 3, timings, synchronous });
      await cluster.waitHealthy();
      let down: PatroniMember | undefined;
      return {
        async resolve() {
          const leader = await cluster.leader();
          if (!leader) throw new Error('no Patroni leader');
          return leader.url;
        },
        async killPrimary() {
          const leader = await cluster.leader();
          if (!leader) throw new Error('no Patroni leader to kill');
          if (kill === 'node') {
            cluster.killNode(leader);
            down = leader;
          } else {
            cluster.killPostmaster(leader);
          }
          return leader.name;
        },
        async primaryName() {
          return (await cluster.leader())?.name;
        },
        async waitHealthy(timeoutMs) {
          if (down !== undefined) {
            cluster.restartAgent(down);
            down = undefined;
          }
          await cluster.waitHealthy(timeoutMs);
        },
        stop: () => cluster.stop(),
      };
    },
  };
}
