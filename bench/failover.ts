// Failover under write load, dbarch against Patroni 3.0.2 + etcd 3.4, in one run: the same ledger writer (an
// INSERT every 10 ms, test/support/ledgerWriter.ts) and the same kill -9 of the primary's postmaster, BENCH_KILLS
// times per subject, each kill on a cluster back at full strength (primary + 2 streaming replicas). Reported per
// subject: write gap p50 and max (last acknowledged commit before the kill to the first after it), acknowledged
// rows lost on the final primary (and unknown ones, sent without an answer), who was primary after each kill.
// Patroni runs at its minimum legal timings (ttl 20 / loop_wait 1 / retry_timeout 3) and at its defaults
// (30 / 10 / 10), its clients finding the primary by asking every member's REST API for /primary after each
// failure (kinder to it than an HAProxy health check interval would be). Patroni answers a killed postmaster by
// restarting it in place while its agent holds the leader key (no failover); dbarch fails over to a replica
// (monitor:<cluster> → dbarch/failover, the old primary rejoined by pg_rewind before the next kill). dbarch runs
// with the monitor's default health check (1 s / 500 ms / 3) and, as dbarch-fast, a 250 ms / 200 ms / 3 one; its
// writer reads the primary from the published topology. In async mode a failover may lose acknowledged commits
// that had not reached the promoted replica; sync mode must lose none.
//
// Run as root (the servers run as the postgres user), with Debian's patroni, python3-etcd and etcd-server installed:
//   node --import tsx bench/failover.ts
//   BENCH_KILLS (default 5), BENCH_SYNC=1 adds the synchronous-mode subjects, BENCH_SUBJECTS=dbarch,patroni-min,…
//   picks subjects, BENCH_KEEP=1 keeps the Patroni directories (logs) under /tmp.
// Not part of CI: it takes minutes (about 14 with BENCH_SYNC=1) and its numbers are timings.
//
// Measured here (2 shared cores, 5 kills each, one run, 2026-12-01), write gap p50 / max in seconds:
//   dbarch 3.79 / 4.09 (0 lost)        dbarch-fast 1.30 / 2.44 (2 acknowledged rows lost: async)
//   dbarch-sync 3.46 / 3.78 (0 lost)   dbarch-fast-sync 1.52 / 1.79 (0 lost)
//   patroni-min 4.49 / 5.85            patroni-default 10.10 / 12.03     (0 lost: restarted in place)
//   patroni-min-sync 5.61 / 6.28       patroni-default-sync 10.64 / 12.84
//   max-gap ratio to Patroni at minimum timings: dbarch 0.70x, dbarch-fast 0.42x, dbarch-sync 0.60x,
//   dbarch-fast-sync 0.28x: the goal (< 5 s and <= 0.5x) is met with the 250 ms health check, not with the
//   monitor's 1 s default.
// BENCH_KILL=node (async, 5 kills): patroni-min 20.33 / 20.58 (2 lost), patroni-default 23.86 / 26.94 (0 lost);
//   dbarch 3.50 / 3.77 (1 lost), dbarch-fast 2.52 / 2.86 (3 lost): max-gap ratio 0.18x and 0.14x Patroni minimum.
import { installTemporalLogging } from '../runtime/installTemporalLogging.ts';
import { createLogger } from '../runtime/logger.ts';
import { stopSharedTemporal } from '../test/support/temporal.ts';
import { createLedgerTable, startLedgerWriter, verifyLedger, type LedgerRun, type LedgerVerdict } from '../test/support/ledgerWriter.ts';
import { dbarchSubject } from './support/dbarchSubject.ts';
import type { FailoverSubject, SubjectFactory } from './support/FailoverSubject.ts';
import { patroniSubject } from './support/patroniSubject.ts';

installTemporalLogging(createLogger({ name: 'bench-failover', level: 'error' }));

const kills = Number(process.env.BENCH_KILLS ?? 5);
const withSync = process.env.BENCH_SYNC === '1';
// BENCH_KILL=node also kills the leader's Patroni agent (kill -9, before its postmaster): a machine lost rather
// than a crashed server, so Patroni must fail over (after its ttl) instead of restarting PostgreSQL in place. dbarch
// has no agent beside the server, so its kill is the same in both modes.
const killMode = process.env.BENCH_KILL === 'node' ? 'node' : 'postmaster';
const minimum = { ttl: 20, loopWait: 1, retryTimeout: 3 };
const defaults = { ttl: 30, loopWait: 10, retryTimeout: 10 };

// dbarch's health check in the bench spec (service_mesh health_check): the monitor's defaults
// (activities/failover/FailoverCluster.ts defaultHealth), and a faster one a spec may set.
const health = { interval: '1s', timeout: '500ms', unhealthyThreshold: 3 };
const fast = { interval: '250ms', timeout: '200ms', unhealthyThreshold: 3 };

const all: SubjectFactory[] = [
  dbarchSubject('dbarch', false, health),
  dbarchSubject('dbarch-fast', false, fast),
  patroniSubject('patroni-min', minimum, false, killMode),
  patroniSubject('patroni-default', defaults, false, killMode),
  ...(withSync
    ? [
        dbarchSubject('dbarch-sync', true, health),
        dbarchSubject('dbarch-fast-sync', true, fast),
        patroniSubject('patroni-min-sync', minimum, true, killMode),
        patroniSubject('patroni-default-sync', defaults, true, killMode),
      ]
    : []),
];
const picked = process.env.BENCH_SUBJECTS?.split(',');
const subjects = picked ? all.filter((subject) => picked.includes(subject.label)) : all;

interface Result {
  readonly label: string;
  readonly synchronous: boolean;
  readonly gaps: number[];
  readonly verdict: LedgerVerdict;
  readonly unknown: number;
  readonly primaries: string[];
}

// Interrupted: stop the servers of the subject under test rather than leave them running.
let active: FailoverSubject | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void (active?.stop() ?? Promise.resolve())
      .then(() => stopSharedTemporal())
      .finally(() => process.exit(130));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const failureCount = (run: LedgerRun) => Object.values(run.failures).reduce((sum, n) => sum + n, 0);

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

async function measure(factory: SubjectFactory): Promise<Result> {
  process.stdout.write(`${factory.label}: starting\n`);
  const subject = await factory.start();
  active = subject;
  try {
    await createLedgerTable(await subject.resolve());
    const writer = startLedgerWriter({ resolve: () => subject.resolve(), writer: factory.label });
    const gaps: number[] = [];
    const primaries: string[] = [];
    try {
      await writer.waitForAcks(100);
      for (let kill = 1; kill <= kills; kill++) {
        await subject.waitHealthy();
        await writer.waitForAcks(200); // two seconds of steady writes before each kill
        const failuresBefore = failureCount(writer.run());
        const at = writer.now();
        const killed = await subject.killPrimary();
        // Sessions can outlive a killed postmaster for a few commits: wait until the writer lost its session,
        // then until it writes again.
        for (const deadline = Date.now() + 30_000; failureCount(writer.run()) === failuresBefore && Date.now() < deadline; ) await sleep(5);
        await writer.waitForAcks(50, 180_000);
        const gap = writer.gapAround(at) ?? NaN;
        gaps.push(gap);
        const now = (await subject.primaryName()) ?? '?';
        primaries.push(`${killed}→${now}`);
        process.stdout.write(`${factory.label}: kill ${kill}/${kills} of ${killed}: write gap ${(gap / 1000).toFixed(2)} s, primary now ${now}\n`);
      }
      await subject.waitHealthy();
    } finally {
      await writer.stop();
    }
    const run = writer.run();
    const verdict = await verifyLedger(await subject.resolve(), run);
    return { label: factory.label, synchronous: factory.synchronous, gaps, verdict, unknown: run.unknown.length, primaries };
  } finally {
    active = undefined;
    await subject.stop();
  }
}

const results: Result[] = [];
for (const subject of subjects) {
  try {
    results.push(await measure(subject));
  } catch (error) {
    process.stdout.write(`${subject.label}: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

const seconds = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '-');
process.stdout.write(`\nkill -9 of the primary's ${killMode === 'node' ? 'postmaster (Patroni: its agent too)' : 'postmaster'}\n`);
process.stdout.write('subject                 kills  gap p50 s  gap max s  acked  lost  dup  unknown(committed)  primaries\n');
for (const r of results) {
  process.stdout.write(
    `${r.label.padEnd(22)}  ${String(r.gaps.length).padStart(5)}  ${seconds(percentile(r.gaps, 50)).padStart(9)}  ${seconds(Math.max(...r.gaps)).padStart(9)}  ${String(r.verdict.acknowledged).padStart(5)}  ${String(r.verdict.lost.length).padStart(4)}  ${String(r.verdict.duplicated.length).padStart(3)}  ${`${r.unknown}(${r.verdict.unknownPresent})`.padStart(18)}  ${r.primaries.join(' ')}\n`,
  );
}

// Ratios: dbarch's figure over Patroni's in the same replication mode (< 1 means dbarch is faster).
process.stdout.write('\nratio (dbarch / Patroni)                   gap p50   gap max\n');
const maxOf = (r: Result) => Math.max(...r.gaps);
for (const ours of results.filter((r) => r.label.startsWith('dbarch'))) {
  for (const peer of results.filter((r) => r.label.startsWith('patroni') && r.synchronous === ours.synchronous)) {
    const p50 = percentile(ours.gaps, 50) / percentile(peer.gaps, 50);
    process.stdout.write(`${`${ours.label} / ${peer.label}`.padEnd(40)}  ${p50.toFixed(2).padStart(7)}x  ${(maxOf(ours) / maxOf(peer)).toFixed(2).padStart(7)}x\n`);
  }
  const peerMin = results.find((r) => r.label.startsWith('patroni-min') && r.synchronous === ours.synchronous);
  if (peerMin) {
    const ok = maxOf(ours) < 5000 && maxOf(ours) <= 0.5 * maxOf(peerMin);
    process.stdout.write(`  goal for ${ours.label} (max gap < 5 s and <= 0.5x ${peerMin.label}): ${ok ? 'met' : 'NOT met'}\n`);
  }
}
const lossy = results.filter((r) => r.verdict.lost.length > 0 || r.verdict.duplicated.length > 0);
for (const r of lossy) process.stdout.write(`${r.label}: lost ${r.verdict.lost.length} acknowledged rows, ${r.verdict.duplicated.length} duplicated\n`);
await stopSharedTemporal();
process.exit(results.length === subjects.length ? 0 : 1);
