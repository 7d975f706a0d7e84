/** The CDC stream's counters, carried in heartbeats and across continue-as-new. */
export interface CdcProgress {
  /** Change events confirmed by the broker (replays included). */
  readonly published: number;
  /** Of those, events marked as replay. */
  readonly replayed: number;
  /** Transactions whose events were all confirmed and whose commit LSN was acknowledged to the slot. */
  readonly transactions: number;
  /** The slot's confirmed position as this stream last acknowledged it. */
  readonly acknowledgedLsn: string | null;
  /** Commit LSN of the last transaction whose events were handed to the broker (confirmed or not). */
  readonly publishedLsn: string | null;
  /** Attempts that resumed after a crash or a lost connection. */
  readonly resumes: number;
  /** True when the run before stopped cleanly (everything published was acknowledged): nothing to replay. */
  readonly clean: boolean;
}

export const noCdcProgress: CdcProgress = { published: 0, replayed: 0, transactions: 0, acknowledgedLsn: null, publishedLsn: null, resumes: 0, clean: true };

/** Progress from a heartbeat payload (Temporal gives them back untyped). */
export function cdcProgressFrom(details: unknown): CdcProgress | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const d = details as Record<string, unknown>;
  if (typeof d.published !== 'number' || typeof d.transactions !== 'number') return undefined;
  return {
    published: d.published,
    replayed: typeof d.replayed === 'number' ? d.replayed : 0,
    transactions: d.transactions,
    acknowledgedLsn: typeof d.acknowledgedLsn === 'string' ? d.acknowledgedLsn : null,
    publishedLsn: typeof d.publishedLsn === 'string' ? d.publishedLsn : null,
    resumes: typeof d.resumes === 'number' ? d.resumes : 0,
    clean: d.clean === true,
  };
}
