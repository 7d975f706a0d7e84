/** What a relay has done, carried in heartbeat details and across continue-as-new so a retried attempt counts on. */
export interface RelayProgress {
  /** Events the broker confirmed and that were deleted from the outbox. */
  readonly published: number;
  /** Events moved to dbarch.outbox_dead_letters after max attempts. */
  readonly deadLettered: number;
  /** Publishes the broker refused (unroutable, nacked) that will be tried again. */
  readonly refused: number;
  /** The highest outbox id confirmed so far (ids of one key are in commit order). */
  readonly lastId: string | null;
  /** Attempts of the relay activity that resumed from these details. */
  readonly resumes: number;
}

export const noProgress: RelayProgress = { published: 0, deadLettered: 0, refused: 0, lastId: null, resumes: 0 };

/** Heartbeat details of an earlier attempt, if they are a RelayProgress (they come from Temporal as unknown). */
export function progressFrom(details: unknown): RelayProgress | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const d = details as Partial<RelayProgress>;
  if (typeof d.published !== 'number' || typeof d.deadLettered !== 'number') return undefined;
  return { published: d.published, deadLettered: d.deadLettered, refused: d.refused ?? 0, lastId: d.lastId ?? null, resumes: d.resumes ?? 0 };
}
