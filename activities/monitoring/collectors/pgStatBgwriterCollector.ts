import type { Collector, MetricFamily } from '../Collector.ts';
import { metricSample } from '../metricSample.ts';

const counter = (name: string, help: string): MetricFamily => ({ name: `dbarch_pg_stat_bgwriter_${name}_total`, type: 'counter', help, labels: [] });

const families = {
  checkpoints_timed: counter('checkpoints_timed', 'Scheduled checkpoints performed.'),
  checkpoints_req: counter('checkpoints_req', 'Requested checkpoints performed (WAL volume, CHECKPOINT).'),
  checkpoint_write_seconds: counter('checkpoint_write_time_seconds', 'Time spent writing files during checkpoints.'),
  checkpoint_sync_seconds: counter('checkpoint_sync_time_seconds', 'Time spent syncing files during checkpoints.'),
  buffers_checkpoint: counter('buffers_checkpoint', 'Buffers written during checkpoints.'),
  buffers_clean: counter('buffers_clean', 'Buffers written by the background writer.'),
  maxwritten_clean: counter('maxwritten_clean', 'Times the background writer stopped a cleaning scan for writing too many buffers.'),
  buffers_backend: counter('buffers_backend', 'Buffers written directly by backends.'),
  buffers_backend_fsync: counter('buffers_backend_fsync', 'Times a backend had to execute its own fsync.'),
  buffers_alloc: counter('buffers_alloc', 'Buffers allocated.'),
} as const;

/** Checkpointer and background writer counters (pg_stat_bgwriter, one row per server). */
export const pgStatBgwriterCollector: Collector = {
  name: 'pg_stat_bgwriter',
  families: Object.values(families),
  async collect(session) {
    const [row] = await session.query<Record<keyof typeof families, unknown>>(
      `SELECT checkpoints_timed, checkpoints_req, checkpoint_write_time / 1000 AS checkpoint_write_seconds,
              checkpoint_sync_time / 1000 AS checkpoint_sync_seconds, buffers_checkpoint, buffers_clean, maxwritten_clean,
              buffers_backend, buffers_backend_fsync, buffers_alloc
         FROM pg_stat_bgwriter`,
    );
    if (row === undefined) return [];
    return Object.entries(families).flatMap(([column, family]) => metricSample(family, {}, row[column as keyof typeof families]));
  },
};
