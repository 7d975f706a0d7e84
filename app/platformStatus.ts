import type { MetricSample } from '../activities/monitoring/Collector.ts';
import { readPlatformSource } from '../activities/monitoring/readPlatformSource.ts';
import { exporterSourcesOfSpec } from './exporterSourcesOfSpec.ts';

export interface QueueStatus {
  readonly queue: string;
  readonly messages: number;
  readonly consumers: number | null;
}

export interface OutboxStatus {
  readonly database: string;
  readonly backlog: number;
  readonly oldestAgeSeconds: number | null;
  readonly deadLetters: number | null;
}

export interface BackupStatus {
  readonly cluster: string;
  readonly complete: number;
  readonly lastSuccessAt: string | null;
  readonly lastSizeBytes: number | null;
}

/** A part of the platform the status page could not read, with why. */
export interface SourceUnavailable {
  readonly unavailable: string;
}

/** What the status page shows of queues, the outbox and backups; a part is absent when the spec has no such section. */
export interface PlatformStatus {
  readonly queues?: readonly QueueStatus[] | SourceUnavailable;
  readonly outbox?: readonly OutboxStatus[] | SourceUnavailable;
  readonly backups?: readonly BackupStatus[] | SourceUnavailable;
}

/**
 * One reading of the exporter's platform sources for a spec (the same code and the same figures Prometheus gets),
 * each bounded by `timeoutMs`, turned into rows for people.
 */
export async function platformStatus(specPath: string, timeoutMs: number): Promise<PlatformStatus> {
  const sources = await exporterSourcesOfSpec([specPath], { timeoutMs });
  try {
    const read = await Promise.all(
      sources.map(async (source) => {
        const reading = await readPlatformSource(source, timeoutMs);
        return [source.name, reading.problem === undefined ? reading.samples : { unavailable: reading.problem.message }] as const;
      }),
    );
    const status: { -readonly [K in keyof PlatformStatus]: PlatformStatus[K] } = {};
    for (const [name, samples] of read) {
      if (name === 'queue_stats') status.queues = rows(samples, 'queue', (at) => ({ queue: at.label, messages: at.value('dbarch_queue_messages') ?? 0, consumers: at.value('dbarch_queue_consumers') }));
      if (name === 'outbox') status.outbox = rows(samples, 'database', (at) => ({ database: at.label, backlog: at.value('dbarch_outbox_backlog_events') ?? 0, oldestAgeSeconds: at.value('dbarch_outbox_oldest_event_age_seconds'), deadLetters: at.value('dbarch_outbox_dead_letters') }));
      if (name === 'backup_stats') {
        status.backups = rows(samples, 'cluster', (at) => {
          const last = at.value('dbarch_backup_last_success_timestamp_seconds');
          return { cluster: at.label, complete: at.value('dbarch_backup_complete_count') ?? 0, lastSuccessAt: last === null ? null : new Date(last * 1000).toISOString(), lastSizeBytes: at.value('dbarch_backup_last_size_bytes') };
        });
      }
    }
    return status;
  } finally {
    await Promise.all(sources.map(async (s) => s.close?.()));
  }
}

interface Row {
  readonly label: string;
  value(family: string): number | null;
}

/** One row per value of `label`, or the reason the source could not be read. */
function rows<T>(samples: readonly MetricSample[] | SourceUnavailable, label: string, make: (row: Row) => T): readonly T[] | SourceUnavailable {
  if (!Array.isArray(samples)) return samples as SourceUnavailable;
  const list = samples as readonly MetricSample[];
  const keys = [...new Set(list.map((s) => s.labels[label]).filter((v): v is string => v !== undefined))].sort();
  return keys.map((key) =>
    make({ label: key, value: (family) => list.find((s) => s.family.name === family && s.labels[label] === key)?.value ?? null }),
  );
}
