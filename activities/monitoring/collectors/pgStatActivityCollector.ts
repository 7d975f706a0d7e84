import type { Collector, MetricFamily } from '../Collector.ts';
import { metricSample } from '../metricSample.ts';

const connections: MetricFamily = {
  name: 'dbarch_pg_stat_activity_connections',
  type: 'gauge',
  help: 'Client sessions by state (pg_stat_activity, client backends only).',
  labels: ['database', 'state'],
};
const oldestTransaction: MetricFamily = {
  name: 'dbarch_pg_stat_activity_max_transaction_duration_seconds',
  type: 'gauge',
  help: 'Age of the oldest open transaction of a client session (0 when none is open).',
  labels: ['database'],
};
const maxConnections: MetricFamily = { name: 'dbarch_pg_max_connections', type: 'gauge', help: 'The server\'s max_connections setting.', labels: [] };

/** The states a session is in most of the time: reported as 0 when no session is in them, so series stay continuous. */
const commonStates = ['active', 'idle', 'idle in transaction', 'idle in transaction (aborted)'];

/** Sessions of the spec's databases by state, the oldest open transaction, and max_connections to compare with. */
export const pgStatActivityCollector: Collector = {
  name: 'pg_stat_activity',
  families: [connections, oldestTransaction, maxConnections],
  async collect(session) {
    // One round trip: the setting is the left side, so it arrives even when no session is connected.
    const rows = await session.query<{ max_connections: string; datname: string | null; state: string | null; n: number | null; oldest: number | null }>(
      `SELECT s.max_connections, a.datname, a.state, a.n, a.oldest
         FROM (SELECT current_setting('max_connections') AS max_connections) s
         LEFT JOIN (SELECT datname, coalesce(state, 'unknown') AS state, count(*)::int AS n,
                           max(extract(epoch FROM clock_timestamp() - xact_start))::float8 AS oldest
                      FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = ANY($1) GROUP BY 1, 2) a ON true`,
      [session.databases],
    );
    return [
      ...session.databases.flatMap((database) => {
        const mine = rows.filter((row) => row.datname === database);
        const states = [...new Set([...commonStates, ...mine.flatMap((row) => (row.state === null ? [] : [row.state]))])];
        const oldest = Math.max(0, ...mine.map((row) => row.oldest ?? 0));
        return [
          ...states.flatMap((state) => metricSample(connections, { database, state }, mine.find((row) => row.state === state)?.n ?? 0)),
          ...metricSample(oldestTransaction, { database }, oldest),
        ];
      }),
      ...metricSample(maxConnections, {}, rows[0]?.max_connections),
    ];
  },
};
