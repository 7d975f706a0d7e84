import { createHash } from 'node:crypto';
import type { MetricName } from '../../compiler/grammar/metricCatalogue.ts';
import type { CollectorName } from './collectorNames.ts';

export interface DashboardThreshold {
  readonly metric: MetricName;
  /** In the panel's unit (seconds for durations, 0-100 for percentages). */
  readonly value: number;
  readonly severity: 'info' | 'warning' | 'critical';
}

export interface DashboardOptions {
  readonly title: string;
  /** The collectors the spec's exporter runs: panels for the others would stay empty. */
  readonly collectors: readonly CollectorName[];
  /** Alert thresholds drawn as lines on the panel of their metric. */
  readonly thresholds: readonly DashboardThreshold[];
}

interface PanelSpec {
  readonly title: string;
  readonly collector: CollectorName | 'exporter';
  readonly unit: string;
  readonly targets: readonly { readonly expr: string; readonly legend: string }[];
  readonly type?: 'timeseries' | 'stat';
  /** The catalogue metric whose alert thresholds this panel shows. */
  readonly metric?: MetricName;
  readonly description?: string;
}

const sel = 'cluster=~"$cluster"';
const dbSel = `${sel}, database=~"$database"`;
const rate = (family: string, by: string, selector = dbSel) => `sum by (${by}) (rate(${family}{${selector}}[$__rate_interval]))`;

/** The panels, in reading order: health and replication first, then load, contention, storage, internals. */
const panels: readonly PanelSpec[] = [
  { title: 'Servers up', collector: 'exporter', unit: 'none', type: 'stat', targets: [{ expr: `dbarch_pg_up{${sel}}`, legend: '{{cluster}} {{server}}' }] },
  {
    title: 'Replication lag',
    collector: 'pg_stat_replication',
    unit: 's',
    metric: 'replication_lag',
    description: 'Replay lag of each standby, seen from the primary (pg_stat_replication) and from the standby itself.',
    targets: [
      { expr: `dbarch_pg_stat_replication_replay_lag_seconds{${sel}}`, legend: '{{cluster}} → {{standby}}' },
      { expr: `dbarch_pg_replica_replay_delay_seconds{${sel}}`, legend: '{{cluster}} {{server}} (standby)' },
    ],
  },
  {
    title: 'Replication lag (bytes)',
    collector: 'pg_stat_replication',
    unit: 'bytes',
    metric: 'replication_lag_bytes',
    targets: [{ expr: `dbarch_pg_stat_replication_replay_lag_bytes{${sel}}`, legend: '{{cluster}} → {{standby}}' }],
  },
  {
    title: 'Transactions',
    collector: 'pg_stat_database',
    unit: 'ops',
    targets: [
      { expr: rate('dbarch_pg_stat_database_xact_commit_total', 'cluster, database'), legend: '{{cluster}}/{{database}} commits' },
      { expr: rate('dbarch_pg_stat_database_xact_rollback_total', 'cluster, database'), legend: '{{cluster}}/{{database}} rollbacks' },
    ],
  },
  {
    title: 'Connections by state',
    collector: 'pg_stat_activity',
    unit: 'none',
    metric: 'connection_count',
    targets: [
      { expr: `sum by (cluster, server, state) (dbarch_pg_stat_activity_connections{${dbSel}})`, legend: '{{cluster}} {{server}} {{state}}' },
      { expr: `dbarch_pg_max_connections{${sel}}`, legend: '{{cluster}} {{server}} max_connections' },
    ],
  },
  {
    title: 'Buffer cache hit ratio',
    collector: 'pg_stat_database',
    unit: 'percent',
    metric: 'buffer_cache_hit_ratio',
    targets: [
      {
        expr: `100 * ${rate('dbarch_pg_stat_database_blks_hit_total', 'cluster, database')} / (${rate('dbarch_pg_stat_database_blks_hit_total', 'cluster, database')} + ${rate('dbarch_pg_stat_database_blks_read_total', 'cluster, database')})`,
        legend: '{{cluster}}/{{database}}',
      },
    ],
  },
  {
    title: 'Lock waits',
    collector: 'pg_locks',
    unit: 'none',
    metric: 'lock_waits',
    targets: [{ expr: `sum by (cluster, database) (dbarch_pg_lock_waiting_sessions{${dbSel}})`, legend: '{{cluster}}/{{database}} waiting' }],
  },
  {
    title: 'Deadlocks',
    collector: 'pg_stat_database',
    unit: 'none',
    metric: 'deadlocks',
    targets: [{ expr: `sum by (cluster, database) (increase(dbarch_pg_stat_database_deadlocks_total{${dbSel}}[$__rate_interval]))`, legend: '{{cluster}}/{{database}}' }],
  },
  {
    title: 'Database size',
    collector: 'disk_usage',
    unit: 'bytes',
    metric: 'disk_usage',
    targets: [{ expr: `max by (cluster, database) (dbarch_pg_database_size_bytes{${dbSel}})`, legend: '{{cluster}}/{{database}}' }],
  },
  {
    title: 'WAL and temporary files',
    collector: 'disk_usage',
    unit: 'bytes',
    metric: 'wal_size',
    targets: [
      { expr: `dbarch_pg_wal_size_bytes{${sel}}`, legend: '{{cluster}} {{server}} pg_wal' },
      { expr: `dbarch_pg_temp_files_size_bytes{${sel}}`, legend: '{{cluster}} {{server}} temp files' },
    ],
  },
  {
    title: 'Checkpoints',
    collector: 'pg_stat_bgwriter',
    unit: 'ops',
    targets: [
      { expr: rate('dbarch_pg_stat_bgwriter_checkpoints_timed_total', 'cluster, server', sel), legend: '{{cluster}} {{server}} timed' },
      { expr: rate('dbarch_pg_stat_bgwriter_checkpoints_req_total', 'cluster, server', sel), legend: '{{cluster}} {{server}} requested' },
    ],
  },
  {
    title: 'Statements by execution time',
    collector: 'pg_stat_statements',
    unit: 's',
    description: 'Execution time per second of the ten most expensive statements (queryid from pg_stat_statements).',
    targets: [{ expr: `topk(10, ${rate('dbarch_pg_stat_statements_exec_time_seconds_total', 'cluster, database, queryid')})`, legend: '{{cluster}}/{{database}} {{queryid}}' }],
  },
  {
    title: 'Exporter: failing collectors',
    collector: 'exporter',
    unit: 'none',
    targets: [{ expr: `sum by (cluster, server, collector) (1 - dbarch_exporter_collector_success{${sel}})`, legend: '{{cluster}} {{server}} {{collector}}' }],
  },
];

const colors = { info: 'blue', warning: 'orange', critical: 'red' } as const;

/**
 * A Grafana dashboard (the JSON model `Dashboards → Import` takes) over the exporter's families: a datasource,
 * cluster and database variable, a panel per figure the spec's exporter collects, and the spec's alert
 * thresholds drawn on the panel of their metric. The uid derives from the title, so re-importing replaces it.
 */
export function grafanaDashboard(options: DashboardOptions): Record<string, unknown> {
  const shown = panels.filter((p) => p.collector === 'exporter' || options.collectors.includes(p.collector));
  const datasource = { type: 'prometheus', uid: '${datasource}' };
  const width = 12;
  const height = 8;
  return {
    uid: `dbarch-${createHash('sha256').update(options.title).digest('hex').slice(0, 12)}`,
    title: options.title,
    tags: ['dbarch', 'postgresql'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    annotations: { list: [] },
    templating: {
      list: [
        { type: 'datasource', name: 'datasource', label: 'Data source', query: 'prometheus', current: {}, hide: 0 },
        variable('cluster', 'label_values(dbarch_pg_up, cluster)', datasource),
        variable('database', 'label_values(dbarch_pg_stat_database_xact_commit_total{cluster=~"$cluster"}, database)', datasource),
      ],
    },
    panels: shown.map((panel, i) => {
      const steps = options.thresholds
        .filter((t) => t.metric === panel.metric)
        .map((t) => ({ color: colors[t.severity], value: t.value }))
        .sort((a, b) => a.value - b.value);
      return {
        id: i + 1,
        type: panel.type ?? 'timeseries',
        title: panel.title,
        ...(panel.description ? { description: panel.description } : {}),
        datasource,
        gridPos: { x: (i % 2) * width, y: Math.floor(i / 2) * height, w: width, h: height },
        targets: panel.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), datasource, expr: t.expr, legendFormat: t.legend })),
        fieldConfig: {
          defaults: {
            unit: panel.unit,
            thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, ...steps] },
            ...(panel.type === 'stat' ? {} : { custom: { thresholdsStyle: { mode: steps.length > 0 ? 'line' : 'off' } } }),
          },
          overrides: [],
        },
        options: panel.type === 'stat' ? { reduceOptions: { calcs: ['lastNotNull'] }, colorMode: 'background' } : { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
      };
    }),
  };
}

function variable(name: string, query: string, datasource: object): Record<string, unknown> {
  return { type: 'query', name, label: name, datasource, query: { query, refId: name }, definition: query, refresh: 2, includeAll: true, multi: true, allValue: '.*', current: {}, hide: 0, sort: 1 };
}
