import type { Lsn } from './Lsn.ts';

const keep = 600;

/**
 * Replica lag in time, measured by this client's own clock: the primary's WAL position is sampled at every
 * probe, and a replica that has replayed up to R is as old as the first sample past R. No comparison of server
 * clocks, and an idle primary shows no lag (unlike now() - pg_last_xact_replay_timestamp()). Precision is one
 * probe interval.
 */
export class LagTracker {
  readonly #samples: { readonly atMs: number; readonly lsn: Lsn }[] = [];

  record(atMs: number, lsn: Lsn): void {
    const last = this.#samples.at(-1);
    if (last !== undefined && last.lsn === lsn) return; // the first time a position was seen is what counts
    this.#samples.push({ atMs, lsn });
    if (this.#samples.length > keep) this.#samples.shift();
  }

  /** Milliseconds the data at `replayed` is behind, at `nowMs`; 0 when it has everything sampled. */
  lagMs(replayed: Lsn, nowMs: number): number {
    const first = this.#samples.find((s) => s.lsn > replayed);
    return first === undefined ? 0 : Math.max(0, nowMs - first.atMs);
  }
}
