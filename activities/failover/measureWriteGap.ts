import pg from 'pg';
import { readTopology } from '../topology/readTopology.ts';

export interface WriteGapOptions {
  readonly cluster: string;
  /** Stop once the published epoch passed the one seen at the start and writes went on this long (default 2 s). */
  readonly settleMs?: number;
  /** Give up after this long without a published change (default 60 s): the drill then fails. */
  readonly maxMs?: number;
  /** Time between writes (default 10 ms, as the seed's failover test writes). */
  readonly intervalMs?: number;
  /** The epoch to wait past, when resuming a measurement (else the one published at the start). */
  readonly epochBefore?: number;
}

export interface WriteGapMeasurement {
  /** Whether a new topology was published and writes resumed on it within maxMs. */
  readonly completed: boolean;
  readonly acknowledged: number;
  readonly failed: number;
  /** Longest time between two acknowledged writes: what an application saw of the switch. */
  readonly maxGapMs: number;
  readonly epochBefore: number;
  readonly epochAfter: number;
  readonly primaryBefore: string;
  readonly primaryAfter: string;
  readonly durationMs: number;
}

/**
 * A writer through the published topology, as an application using the data plane would write: a transaction
 * that needs a transaction id (so only a primary accepts it) every `intervalMs`, re-resolving the primary after
 * every failure. It measures what a switchover or failover costs writers, changes no table, and returns once
 * the topology moved on and writes resumed there (or after maxMs). `beat` is called about once a second.
 */
export async function measureWriteGap(control: pg.Pool, options: WriteGapOptions, beat: (progress: Partial<WriteGapMeasurement>) => void = () => undefined, signal?: AbortSignal): Promise<WriteGapMeasurement> {
  const settleMs = options.settleMs ?? 2000;
  const maxMs = options.maxMs ?? 60_000;
  const intervalMs = options.intervalMs ?? 10;
  const started = Date.now();
  const published = await readTopology(control, options.cluster);
  if (published === undefined) throw new Error(`no topology is published for cluster ${options.cluster}`);
  const first = options.epochBefore === undefined ? published : { ...published, epoch: options.epochBefore };
  let topology = published;
  let client: pg.Client | undefined;
  let lastAck = Date.now();
  let maxGapMs = 0;
  let acknowledged = 0;
  let failed = 0;
  let movedAt: number | undefined;
  let lastBeat = 0;
  const drop = () => {
    void client?.end().catch(() => undefined);
    client = undefined;
  };
  try {
    while (!signal?.aborted) {
      const now = Date.now();
      if (movedAt === undefined && now - started > maxMs) break;
      if (movedAt !== undefined && now - movedAt >= settleMs && lastAck > movedAt) break;
      try {
        if (client === undefined) {
          topology = (await readTopology(control, options.cluster)) ?? topology;
          if (movedAt === undefined && topology.epoch > first.epoch) movedAt = Date.now();
          client = new pg.Client({ connectionString: topology.primary.url, connectionTimeoutMillis: 1000, query_timeout: 1000, application_name: 'dbarch:drill' });
          client.on('error', drop);
          await client.connect();
        }
        await client.query('SELECT pg_current_xact_id()');
        const at = Date.now();
        maxGapMs = Math.max(maxGapMs, at - lastAck);
        lastAck = at;
        acknowledged += 1;
      } catch {
        failed += 1;
        drop();
      }
      if (movedAt === undefined && Date.now() - lastBeat > 250) {
        const latest = await readTopology(control, options.cluster).catch(() => undefined);
        if (latest !== undefined && latest.epoch > first.epoch) {
          movedAt = Date.now();
          topology = latest;
          drop(); // the old primary may still take writes for a moment: follow the publication at once
        }
      }
      if (Date.now() - lastBeat > 1000) {
        lastBeat = Date.now();
        beat({ acknowledged, failed, maxGapMs, epochBefore: first.epoch, epochAfter: topology.epoch });
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  } finally {
    drop();
  }
  return {
    completed: movedAt !== undefined && lastAck > movedAt,
    acknowledged,
    failed,
    maxGapMs,
    epochBefore: first.epoch,
    epochAfter: topology.epoch,
    primaryBefore: published.primary.member,
    primaryAfter: topology.primary.member,
    durationMs: Date.now() - started,
  };
}
