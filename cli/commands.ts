import type { CommandEntry } from './CommandModule.ts';

/** Every verb of the dbarch command, loaded lazily so `dbarch validate` does not pay for Temporal. */
export const commands: Record<string, CommandEntry> = {
  dev: { summary: 'Start Temporal, a worker and the example job on local services (development)', load: () => import('./commands/dev.ts') },
  validate: { summary: 'Validate a spec (file or directory): compiler-style errors, exit 1 when invalid', load: () => import('./commands/validate.ts') },
  schema: { summary: 'Print the JSON Schema of the spec, or of one section, for editors and tools', load: () => import('./commands/schema.ts') },
  worker: { summary: 'Run a worker that polls the dbarch task queue', load: () => import('./commands/worker.ts') },
  temporal: { summary: 'setup: register dbarch\'s search attributes in the Temporal namespace (what a worker does at start)', load: () => import('./commands/temporal.ts') },
  plan: { summary: 'Show what apply would run for an environment, in order, with the reason for each step', load: () => import('./commands/plan.ts') },
  apply: { summary: 'Start (or attach to) the workflow that runs a spec\'s procedure in an environment', load: () => import('./commands/apply.ts') },
  approve: { summary: 'Approve the open approval gate of a workflow', load: () => import('./commands/approve.ts') },
  reject: { summary: 'Reject the open approval gate of a workflow (its compensations run)', load: () => import('./commands/reject.ts') },
  status: { summary: 'Phase, approval gates and per-step status of a workflow', load: () => import('./commands/status.ts') },
  cancel: { summary: 'Cancel a workflow; compensations of completed steps run', load: () => import('./commands/cancel.ts') },
  migrate: { summary: 'Run the migration pipeline for an environment; --dry-run prints the SQL; lint, repair, baseline', load: () => import('./commands/migrate.ts') },
  'git-trigger': { summary: 'Start the migration pipeline for each new commit on a branch that touches migrations', load: () => import('./commands/gitTrigger.ts') },
  serve: { summary: 'Serve the HTTP API (POST /api/v1/migrations, GET /api/v1/health) with bearer-token auth', load: () => import('./commands/serve.ts') },
  gateway: { summary: 'Serve the database gateway: POST /api/v1/query per gateway_config route, with JWT auth, rate limits and pools', load: () => import('./commands/gateway.ts') },
  exporter: { summary: 'Serve the spec\'s Prometheus exporter (metrics of every cluster at /metrics)', load: () => import('./commands/exporter.ts') },
  monitoring: { summary: 'rules|alertmanager|dashboard: generate the Prometheus rule file, Alertmanager config or Grafana dashboard from the spec', load: () => import('./commands/monitoring.ts') },
  history: { summary: 'A readable timeline of a workflow\'s history', load: () => import('./commands/history.ts') },
  relay: { summary: 'Start the outbox relay of a spec\'s queue_config.outbox (workflow relay:<database>, one per database)', load: () => import('./commands/relay.ts') },
  'wal-push': { summary: 'archive_command: compress, encrypt and store one WAL file in wal_archiving.destination (dbarch wal-push %p)', load: () => import('./commands/walPush.ts') },
  'wal-fetch': { summary: 'restore_command: fetch, authenticate, check and write one archived WAL file (dbarch wal-fetch %f %p)', load: () => import('./commands/walFetch.ts') },
  cluster: { summary: 'up|down|rejoin: provision a managed HA cluster on this machine (idempotent), stop it, or rejoin a former primary via pg_rewind', load: () => import('./commands/cluster.ts') },
  topology: { summary: 'The published topology of a managed cluster beside a live check of its members (role, timeline, lag, sync state) and the last failover', load: () => import('./commands/topology.ts') },
  cache: { summary: 'check: sample cached entries of cache_config and report those that differ from the database', load: () => import('./commands/cache.ts') },
};
