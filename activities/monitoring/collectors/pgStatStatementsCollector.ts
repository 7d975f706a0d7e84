import type { Collector, MetricFamily } from '../Collector.ts';
import { metricSample } from '../metricSample.ts';

/** Statements reported per database, the most expensive first: a label per statement must stay bounded. */
export const topStatements = 50;

const statement = (name: string, help: string): MetricFamily => ({ name: `dbarch_pg_stat_statements_${name}`, type: 'counter', help, labels: ['database', 'queryid'] });
const database = (name: string, help: string): MetricFamily => ({ name: `dbarch_pg_stat_statements_database_${name}`, type: 'counter', help, labels: ['database'] });

const perStatement = {
  calls: statement('calls_total', `Executions of the statement (the ${topStatements} statements with the most execution time per database).`),
  exec_seconds: statement('exec_time_seconds_total', 'Time spent executing the statement.'),
  rows: statement('rows_total', 'Rows retrieved or affected by the statement.'),
} as const;
const perDatabase = {
  calls: database('calls_total', 'Executions of all statements tracked by pg_stat_statements.'),
  exec_seconds: database('exec_time_seconds_total', 'Time spent executing all statements tracked by pg_stat_statements.'),
  rows: database('rows_total', 'Rows retrieved or affected by all statements tracked by pg_stat_statements.'),
} as const;

type Row = { datname: string; queryid: string; calls: string; exec_seconds: number; rows: string };

/**
 * Statement timing from pg_stat_statements (the extension must be loaded and created; the exporter checks that
 * when it connects): totals per database, and the most expensive statements by queryid.
 */
export const pgStatStatementsCollector: Collector = {
  name: 'pg_stat_statements',
  families: [...Object.values(perStatement), ...Object.values(perDatabase)],
  async collect(session) {
    const rows = await session.query<Row & { rank: string }>(
      `SELECT datname, queryid, calls, exec_seconds, rows, rank FROM (
         SELECT d.datname, s.queryid::text AS queryid, sum(s.calls) AS calls, sum(s.total_exec_time)::float8 / 1000 AS exec_seconds, sum(s.rows) AS rows,
                row_number() OVER (PARTITION BY d.datname ORDER BY sum(s.total_exec_time) DESC) AS rank
           FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
          WHERE d.datname = ANY($1) AND s.queryid IS NOT NULL
          GROUP BY GROUPING SETS ((d.datname, s.queryid), (d.datname))) ranked
        WHERE queryid IS NULL OR rank <= $2`,
      [session.databases, topStatements + 1],
    );
    return rows.flatMap((row) => {
      // The grouping set without queryid is the database total (ranked among its statements, hence the + 1).
      if (row.queryid === null) {
        const labels = { database: row.datname };
        return Object.entries(perDatabase).flatMap(([column, family]) => metricSample(family, labels, row[column as keyof typeof perDatabase]));
      }
      const labels = { database: row.datname, queryid: row.queryid };
      return Object.entries(perStatement).flatMap(([column, family]) => metricSample(family, labels, row[column as keyof typeof perStatement]));
    });
  },
};
