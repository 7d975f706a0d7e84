/**
 * One HA system under the failover bench: dbarch's or Patroni's, driven the same way. The bench writes through
 * `resolve()`, kills with `killPrimary()` and waits for `waitHealthy()` (the old primary back as a replica)
 * before the next kill, so every kill meets a cluster at full strength.
 */
export interface FailoverSubject {
  /** The primary's URL as a client of this system would find it; throws while there is none. */
  resolve(): Promise<string>;
  /** kill -9 of the current primary's postmaster; returns the member's name. */
  killPrimary(): Promise<string>;
  /** The name of the member that is primary now, if any. */
  primaryName(): Promise<string | undefined>;
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface SubjectFactory {
  readonly label: string;
  readonly synchronous: boolean;
  start(): Promise<FailoverSubject>;
}
