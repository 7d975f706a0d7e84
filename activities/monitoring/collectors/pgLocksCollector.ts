import type { Collector, MetricFamily } from '../Collector.ts';
import { metricSample } from '../metricSample.ts';

const locks: MetricFamily = { name: 'dbarch_pg_locks', type: 'gauge', help: 'Locks held (granted="true") and awaited (granted="false") by mode (pg_locks).', labels: ['database', 'mode', 'granted'] };
const waiting: MetricFamily = { name: 'dbarch_pg_lock_waiting_sessions', type: 'gauge', help: 'Client sessions waiting on a lock.', labels: ['database'] };

/**
 * Lock contention: pg_locks by mode, joined to the session for its database (row and transaction locks have no
 * database of their own), and the sessions waiting. Deadlocks are counted by pg_stat_database.
 */
export const pgLocksCollector: Collector = {
  name: 'pg_locks',
  families: [locks, waiting],
  async collect(session) {
    // One round trip: locks by mode, then one row per database with waiting sessions (mode NULL).
    const rows = await session.query<{ datname: string; mode: string | null; granted: boolean | null; n: number }>(
      `SELECT a.datname, l.mode, l.granted, count(*)::int AS n
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE a.datname = ANY($1) AND a.pid <> pg_backend_pid() GROUP BY 1, 2, 3
       UNION ALL
       SELECT datname, NULL, NULL, count(*)::int FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = ANY($1) GROUP BY 1`,
      [session.databases],
    );
    const waits = rows.filter((row) => row.mode === null);
    return [
      ...rows.flatMap((row) => (row.mode === null ? [] : metricSample(locks, { database: row.datname, mode: row.mode, granted: String(row.granted) }, row.n))),
      ...session.databases.flatMap((database) => metricSample(waiting, { database }, waits.find((row) => row.datname === database)?.n ?? 0)),
    ];
  },
};
