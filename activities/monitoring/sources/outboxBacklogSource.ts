import pg from 'pg';
import { outboxDeadLetterTable, outboxTable } from '../../outbox/outboxTable.ts';
import type { MetricFamily } from '../Collector.ts';
import { metricSample } from '../metricSample.ts';
import type { PlatformSource } from '../PlatformSource.ts';
import { reusedConnection } from './reusedConnection.ts';

const families = {
  backlog: { name: 'dbarch_outbox_backlog_events', type: 'gauge', help: 'Outbox events committed and not yet confirmed by the broker.', labels: ['database'] },
  oldest: { name: 'dbarch_outbox_oldest_event_age_seconds', type: 'gauge', help: 'Age of the oldest unpublished outbox event (0 when none waits): the relay\'s delay.', labels: ['database'] },
  deadLetters: { name: 'dbarch_outbox_dead_letters', type: 'gauge', help: 'Outbox events the relay gave up on (dbarch.outbox_dead_letters).', labels: ['database'] },
} as const satisfies Record<string, MetricFamily>;

/**
 * The transactional outbox of one database: its backlog, the age of its oldest event and its dead letters, on one
 * long-lived connection whose statements are bounded (a locked table cannot hang the scrape). The count reads the
 * table the relay deletes from, so it is exact, and cheap while the relay keeps up.
 */
export function outboxBacklogSource(url: string, database: string, timeoutMs: number): PlatformSource {
  const client = reusedConnection(
    async (lost) => {
      const made = new pg.Client({ connectionString: url, statement_timeout: timeoutMs, lock_timeout: Math.max(1, Math.floor(timeoutMs / 2)), connectionTimeoutMillis: timeoutMs, application_name: 'dbarch exporter' });
      made.on('error', lost);
      await made.connect();
      return made;
    },
    (made) => made.end(),
  );
  return {
    name: 'outbox',
    families: Object.values(families),
    async collect() {
      const connection = await client.get();
      const { rows } = await connection
        .query<{ backlog: string; oldest: number; dead: string }>(
          `SELECT (SELECT count(*) FROM ${outboxTable}) AS backlog,
                  coalesce(extract(epoch FROM clock_timestamp() - (SELECT min(created_at) FROM ${outboxTable}))::float8, 0) AS oldest,
                  (SELECT count(*) FROM ${outboxDeadLetterTable}) AS dead`,
        )
        .catch((error: unknown) => {
          // Until dbarch's migrations made the outbox here (42P01), the database has no backlog to report.
          if ((error as { code?: string }).code === '42P01') return { rows: [] };
          client.lost();
          void connection.end().catch(() => undefined);
          throw error;
        });
      const row = rows[0];
      if (row === undefined) return [];
      const labels = { database };
      return [...metricSample(families.backlog, labels, row.backlog), ...metricSample(families.oldest, labels, row.oldest), ...metricSample(families.deadLetters, labels, row.dead)];
    },
    close: () => client.close(),
  };
}
