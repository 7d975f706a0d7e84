import type pg from 'pg';
import { readTopology } from '../topology/readTopology.ts';
import type { StepExecution } from '../StepExecution.ts';
import type { FailoverCluster } from './FailoverCluster.ts';
import { memberNamed } from './failoverContext.ts';
import type { MemberState } from './MemberState.ts';
import { probeMember, probeMembers } from './probeMember.ts';
import type { Detection, WatchOutcome } from './WatchOutcome.ts';
import { abortableDelay } from '../abortableDelay.ts';

export interface WatchProgress {
  readonly checks: number;
  readonly primary: string | null;
  readonly consecutiveFailures: number;
  readonly lastHealthyAt: number | null;
}

/**
 * The monitor's watch: every health_check interval, one check of the published primary on a fresh connection
 * within the check timeout; `unhealthyThreshold` failures in a row decide that it failed. Each tick also checks
 * the fenced members, since a former primary restarted as a primary must be fenced again. Heartbeats every tick,
 * returns after `runForMs` so the workflow can continue as new.
 */
export async function watchCluster(control: pg.Pool, cluster: FailoverCluster, runForMs: number, exec: Pick<StepExecution, 'signal' | 'heartbeat' | 'log'>): Promise<WatchOutcome> {
  const { intervalMs, timeoutMs, unhealthyThreshold } = cluster.health;
  const until = Date.now() + runForMs;
  let checks = 0;
  let lastHealthyAt: number | null = null;
  let failures: { at: number; error: string | null; latencyMs: number }[] = [];
  let watched: string | null = null;
  let topology: Awaited<ReturnType<typeof readTopology>>;
  let everRead = false;
  while (!exec.signal.aborted) {
    const tickStart = Date.now();
    // The control database down must not make another member look like the primary: keep the last one read.
    const read = await readTopology(control, cluster.name).then(
      (topology) => ({ ok: true as const, topology }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (read.ok) {
      topology = read.topology;
      everRead = true;
    } else {
      exec.log.warn({ cluster: cluster.name, error: String(read.error) }, 'cannot read the published topology; watching the last known primary');
      if (!everRead) {
        // Not known yet which member is the primary: decide nothing until the topology can be read.
        exec.heartbeat({ checks, primary: watched, consecutiveFailures: 0, lastHealthyAt } satisfies WatchProgress);
        await abortableDelay(intervalMs, exec.signal);
        continue;
      }
    }
    const primary = memberNamed(cluster, topology?.primary.member);
    if (primary.name !== watched) {
      watched = primary.name; // a new primary (failover, switchover): its own count
      failures = [];
    }
    const [state, ...fencedStates] = await Promise.all([
      probeMember(primary, timeoutMs),
      ...(topology?.fenced ?? []).filter((name) => name !== primary.name).map((name) => probeMember(memberNamed(cluster, name), timeoutMs)),
    ]);
    checks++;
    const split = fencedStates.find((s: MemberState) => s.reachable && s.inRecovery === false);
    if (split !== undefined) return { kind: 'fenced-primary', member: split.name, state: split };
    if (state.reachable && state.inRecovery === false) {
      lastHealthyAt = tickStart;
      failures = [];
    } else {
      failures.push({ at: tickStart, error: state.reachable ? 'in recovery' : state.error, latencyMs: state.latencyMs });
      if (failures.length >= unhealthyThreshold) {
        const detectedAt = Date.now();
        const detection: Detection = {
          primary: primary.name,
          epoch: topology?.epoch ?? 0,
          timeline: topology?.timeline ?? null,
          lastHealthyAt,
          firstFailureAt: failures[0]!.at,
          detectedAt,
          detectionMs: detectedAt - failures[0]!.at,
          failures,
          members: await probeMembers(cluster.members, timeoutMs),
        };
        exec.log.warn({ cluster: cluster.name, primary: primary.name, failures: failures.length, detectionMs: detection.detectionMs }, 'primary failed its health checks');
        return { kind: 'primary-failed', detection };
      }
    }
    exec.heartbeat({ checks, primary: watched, consecutiveFailures: failures.length, lastHealthyAt } satisfies WatchProgress);
    // Never renew in the middle of a run of failed checks: the count would start over.
    if (Date.now() >= until && failures.length === 0) return { kind: 'renew', checks, primary: watched };
    const wait = intervalMs - (Date.now() - tickStart);
    if (wait > 0) await abortableDelay(wait, exec.signal);
  }
  return { kind: 'renew', checks, primary: watched };
}
