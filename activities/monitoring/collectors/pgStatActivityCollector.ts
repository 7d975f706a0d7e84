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
    const rows = await session.query<{ datname: string; state: string; n: number; oldest: number | null }>(
      `SELECT datname, coalesce(state, 'unknown') AS state, count(*)::int AS n,
              max(extract(epoch FROM clock_timestamp() - xact_start))::float8 AS oldest
         FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = ANY($1) GROUP BY 1, 2`,
      [session.databases],
    );
    const [setting] = await session.query<{ max_connections: string }>(`SELECT current_setting('max_connections') AS max_connections`);
    return [
      ...session.databases.flatMap((database) => {
        const mine = rows.filter((row) => row.datname === database);
        const states = [...new Set([...commonStates, ...mine.map((row) => row.state)])];
        const oldest = Math.max(0, ...mine.map((row) => row.oldest ?? 0));
        return [
          ...states.flatMap((state) => metricSample(connections, { database, state }, mine.find((row) => row.state === state)?.n ?? 0)),
          ...metricSample(oldestTransaction, { database }, oldest),
        ];
      }),
      ...metricSample(maxConnections, {}, setting?.max_connections),
    ];
  },
};
