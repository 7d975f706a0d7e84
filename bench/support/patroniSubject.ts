import type { FailoverSubject, SubjectFactory } from './FailoverSubject.ts';
import { startPatroniCluster, type PatroniTimings } from './patroniCluster.ts';

/** Patroni as a bench subject: the primary is whichever member's REST API answers 200 on /primary. */
export function patroniSubject(label: string, timings: PatroniTimings, synchronous: boolean): SubjectFactory {
  return {
    label,
    synchronous,
    async start(): Promise<FailoverSubject> {
      const cluster = await startPatroniCluster({ members: 3, timings, synchronous });
      await cluster.waitHealthy();
      return {
        async resolve() {
          const leader = await cluster.leader();
          if (!leader) throw new Error('no Patroni leader');
          return leader.url;
        },
        async killPrimary() {
          const leader = await cluster.leader();
          if (!leader) throw new Error('no Patroni leader to kill');
          cluster.killPostmaster(leader);
          return leader.name;
        },
        async primaryName() {
          return (await cluster.leader())?.name;
        },
        waitHealthy: (timeoutMs) => cluster.waitHealthy(timeoutMs),
        stop: () => cluster.stop(),
      };
    },
  };
}
