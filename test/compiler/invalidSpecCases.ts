import type { ErrorCode } from '../../errors/registry.ts';

/** One invalid spec and the issue it must produce: code, JSON pointer and line (1-based). */
export interface InvalidSpecCase {
  readonly title: string;
  readonly yaml: string;
  readonly code: ErrorCode;
  readonly path: string;
  readonly line: number;
  /** Defaults to error. */
  readonly severity?: 'error' | 'warning';
}

const gateway = (route: string) => `gateway_config:
  database_routing:
    - service: user-service
      database: users_db
${route}`;

const mesh = (service: string) => `service_mesh:
  database_services:
    - name: pg
${service}`;

const monitoring = (body: string) => `monitoring_config:
${body}`;

const backup = (body: string) => `backup_config:
  strategy: scheduled
${body}`;

const security = (body: string) => `security_config:
${body}`;

const queue = (exchange: string) => `queue_config:
  provider: rabbitmq
  exchanges:
    - name: events
${exchange}`;

const deployment = (env: string) => `deployment_config:
  source_control: github
  repository: schemas
  environments:
    - name: production
      database: prod_db
${env}`;

/** A failover step whose `with:` (free-form activity input) holds `body`, from line 6. */
const stepWith = (body: string) => `failover_procedure:
  steps:
    - name: Notify
      action: webhook.post
      with:
${body}`;

const cluster = (primary: string) => `clusters:\n  - name: main\n    primary: ${primary}\n    databases: [a]\n`;

/** At least one case per section and per value grammar; every line number is where the caret must point. */
export const invalidSpecCases: readonly InvalidSpecCase[] = [
  // file level
  { title: 'unknown section with did-you-mean', yaml: 'gatway_config: {}\n', code: 'DBA_SPEC_UNKNOWN_KEY', path: '/gatway_config', line: 1 },
  { title: 'unsupported apiVersion', yaml: 'apiVersion: dbarch/v9\n', code: 'DBA_SPEC_API_VERSION', path: '/apiVersion', line: 1 },
  { title: 'top level is a list', yaml: '# a list\n- gateway_config\n', code: 'DBA_SPEC_NOT_MAPPING', path: '', line: 2 },
  { title: 'section is a string', yaml: 'cache_config: redis\n', code: 'DBA_SPEC_TYPE', path: '/cache_config', line: 1 },
  // gateway_config
  { title: 'gateway: typo in a route key', yaml: gateway('      conection_pool:\n        min: 1\n        max: 2\n'), code: 'DBA_SPEC_UNKNOWN_KEY', path: '/gateway_config/database_routing/0/conection_pool', line: 5 },
  { title: 'gateway: pool min above max', yaml: gateway('      connection_pool:\n        min: 30\n        max: 20\n'), code: 'DBA_SPEC_POOL_BOUNDS', path: '/gateway_config/database_routing/0/connection_pool/min', line: 6 },
  { title: 'gateway: pool max missing', yaml: gateway('      connection_pool:\n        min: 3\n'), code: 'DBA_SPEC_MISSING_KEY', path: '/gateway_config/database_routing/0/connection_pool/max', line: 5 },
  { title: 'gateway: pool min negative', yaml: gateway('      connection_pool:\n        min: -1\n        max: 2\n'), code: 'DBA_SPEC_RANGE', path: '/gateway_config/database_routing/0/connection_pool/min', line: 6 },
  { title: 'gateway: pool max quoted', yaml: gateway('      connection_pool:\n        min: 1\n        max: "20"\n'), code: 'DBA_SPEC_TYPE', path: '/gateway_config/database_routing/0/connection_pool/max', line: 7 },
  { title: 'rate: unknown unit', yaml: gateway('      rate_limit: 1000req/fortnight\n'), code: 'DBA_SPEC_RATE', path: '/gateway_config/database_routing/0/rate_limit', line: 5 },
  { title: 'rate: not a rate', yaml: gateway('      rate_limit: lots\n'), code: 'DBA_SPEC_RATE', path: '/gateway_config/database_routing/0/rate_limit', line: 5 },
  { title: 'rate: zero', yaml: gateway('      rate_limit: 0req/s\n'), code: 'DBA_SPEC_RATE', path: '/gateway_config/database_routing/0/rate_limit', line: 5 },
  { title: 'gateway: read_preference enum', yaml: gateway('      read_preference: replicas\n'), code: 'DBA_SPEC_ENUM', path: '/gateway_config/database_routing/0/read_preference', line: 5 },
  { title: 'gateway: database not an identifier', yaml: 'gateway_config:\n  database_routing:\n    - service: s\n      database: Users-DB\n', code: 'DBA_SPEC_PATTERN', path: '/gateway_config/database_routing/0/database', line: 4 },
  { title: 'gateway: duplicate service route', yaml: gateway('    - service: user-service\n      database: other_db\n'), code: 'DBA_SPEC_DUPLICATE_NAME', path: '/gateway_config/database_routing/1/service', line: 5 },
  { title: 'gateway: empty routing list', yaml: 'gateway_config:\n  database_routing: []\n', code: 'DBA_SPEC_LENGTH', path: '/gateway_config/database_routing', line: 2 },
  { title: 'duration: bad query_timeout', yaml: gateway('      query_timeout: 5 seconds\n'), code: 'DBA_SPEC_DURATION', path: '/gateway_config/database_routing/0/query_timeout', line: 5 },
  // clusters and references
  { title: 'clusters: route to an undeclared database', yaml: 'clusters:\n  - name: main\n    primary: ${DATABASE_URL}\n    databases: [users_db]\n' + gateway('    - service: b\n      database: user_db\n'), code: 'DBA_SPEC_UNKNOWN_REFERENCE', path: '/gateway_config/database_routing/1/database', line: 10 },
  { title: 'clusters: unknown cluster', yaml: 'clusters:\n  - name: main\n    primary: ${DATABASE_URL}\n    databases: [users_db]\n' + gateway('      cluster: mian\n'), code: 'DBA_SPEC_UNKNOWN_REFERENCE', path: '/gateway_config/database_routing/0/cluster', line: 9 },
  { title: 'clusters: duplicate name', yaml: 'clusters:\n  - name: main\n    primary: ${A}\n    databases: [a]\n  - name: main\n    primary: ${B}\n    databases: [b]\n', code: 'DBA_SPEC_DUPLICATE_NAME', path: '/clusters/1/name', line: 5 },
  { title: 'connection: wrong scheme', yaml: 'clusters:\n  - name: main\n    primary: mysql://127.0.0.1/db\n    databases: [a]\n', code: 'DBA_SPEC_CONNECTION_URL', path: '/clusters/0/primary', line: 3 },
  { title: 'connection: wrong scheme in a default', yaml: 'clusters:\n  - name: main\n    primary: ${DATABASE_URL:-redis://127.0.0.1}\n    databases: [a]\n', code: 'DBA_SPEC_CONNECTION_URL', path: '/clusters/0/primary', line: 3 },
  { title: 'connection: inline password in a literal URL', yaml: 'clusters:\n  - name: main\n    primary: postgres://app:hunter2@db/app\n    databases: [a]\n', code: 'DBA_SPEC_INLINE_SECRET', path: '/clusters/0/primary', line: 3 },
  { title: 'secret: password in a URL query parameter', yaml: cluster('postgres://app@db/app?password=hunter2'), code: 'DBA_SPEC_INLINE_SECRET', path: '/clusters/0/primary', line: 3 },
  { title: 'secret: sslpassword in a URL query parameter', yaml: cluster('postgres://app@db/app?sslmode=verify-full&sslpassword=hunter2'), code: 'DBA_SPEC_INLINE_SECRET', path: '/clusters/0/primary', line: 3 },
  { title: 'secret: real password in a reference default', yaml: cluster('${PROD_URL:-postgres://admin:RealProdPassw0rd@prod.internal/app}'), code: 'DBA_SPEC_INLINE_SECRET', path: '/clusters/0/primary', line: 3 },
  { title: 'secret: loopback default hiding a remote libpq host', yaml: cluster('${PROD_URL:-postgres://admin:pw@127.0.0.1/app?host=prod.internal}'), code: 'DBA_SPEC_INLINE_SECRET', path: '/clusters/0/primary', line: 3 },
  { title: 'secret: password default in a free-form input', yaml: stepWith('        broker: ${AMQP_URL:-amqp://app:s3cret@rabbit.prod:5672}\n'), code: 'DBA_SPEC_INLINE_SECRET', path: '/failover_procedure/steps/0/with/broker', line: 6 },
  { title: 'secret: password in a URL inside a command', yaml: stepWith('        command: psql "postgres://app@db/app?password=hunter2" -c "select 1"\n'), code: 'DBA_SPEC_INLINE_SECRET', path: '/failover_procedure/steps/0/with/command', line: 6 },
  { title: 'secret: Authorization header with a bearer token', yaml: stepWith('        headers:\n          Authorization: "Bearer sk_live_51Habc0123456789"\n'), code: 'DBA_SPEC_INLINE_SECRET', path: '/failover_procedure/steps/0/with/headers/Authorization', line: 7 },
  { title: 'secret: Authorization header without a scheme', yaml: stepWith('        headers: { authorization: sk_live_51Habc0123456789 }\n'), code: 'DBA_SPEC_INLINE_SECRET', path: '/failover_procedure/steps/0/with/headers/authorization', line: 6 },
  { title: 'secret: Basic credential under any key', yaml: stepWith('        headers:\n          X-Upstream: Basic dXNlcjpodW50ZXIy\n'), code: 'DBA_SPEC_INLINE_SECRET', path: '/failover_procedure/steps/0/with/headers/X-Upstream', line: 7 },
  { title: 'secret: token credential in a curl command', yaml: stepWith('        command: \'curl -H "Authorization: token ghp_abc123def456" https://api.github.com\'\n'), code: 'DBA_SPEC_INLINE_SECRET', path: '/failover_procedure/steps/0/with/command', line: 6 },
  { title: 'secret: camelCase adminPassword', yaml: stepWith('        adminPassword: hunter2\n'), code: 'DBA_SPEC_INLINE_SECRET', path: '/failover_procedure/steps/0/with/adminPassword', line: 6 },
  { title: 'secret: upper-case PGPASSWORD', yaml: stepWith('        env:\n          PGPASSWORD: hunter2\n'), code: 'DBA_SPEC_INLINE_SECRET', path: '/failover_procedure/steps/0/with/env/PGPASSWORD', line: 7 },
  { title: 'secret: db_pass', yaml: stepWith('        db_pass: hunter2\n'), code: 'DBA_SPEC_INLINE_SECRET', path: '/failover_procedure/steps/0/with/db_pass', line: 6 },
  { title: 'secret: client_secret', yaml: stepWith('        client_secret: 8f14e45fceea167a\n'), code: 'DBA_SPEC_INLINE_SECRET', path: '/failover_procedure/steps/0/with/client_secret', line: 6 },
  { title: 'secret: Private-Key', yaml: stepWith('        Private-Key: MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n'), code: 'DBA_SPEC_INLINE_SECRET', path: '/failover_procedure/steps/0/with/Private-Key', line: 6 },
  { title: 'secret: numeric access token', yaml: stepWith('        accessToken: 123456789012\n'), code: 'DBA_SPEC_INLINE_SECRET', path: '/failover_procedure/steps/0/with/accessToken', line: 6 },
  { title: 'secret: Slack webhook URL with its token path', yaml: stepWith('        url: https://hooks.slack.com/services/T0123ABCD/B0456EFGH/x1y2z3SecretToken\n'), code: 'DBA_SPEC_INLINE_SECRET', path: '/failover_procedure/steps/0/with/url', line: 6 },
  { title: 'secret: Discord webhook URL as a reference default', yaml: stepWith('        url: ${DISCORD_WEBHOOK:-https://discord.com/api/webhooks/112233445566/AbC-dEf_123}\n'), code: 'DBA_SPEC_INLINE_SECRET', path: '/failover_procedure/steps/0/with/url', line: 6 },
  { title: 'reference: unclosed', yaml: 'clusters:\n  - name: main\n    primary: ${DATABASE_URL\n    databases: [a]\n', code: 'DBA_SPEC_REFERENCE', path: '/clusters/0/primary', line: 3 },
  { title: 'reference: bad variable name', yaml: 'cache_config:\n  provider: redis\n  url: ${1REDIS}\n  ttl_policies:\n    - pattern: "a:*"\n      ttl: 1\n', code: 'DBA_SPEC_REFERENCE', path: '/cache_config/url', line: 3 },
  // service_mesh
  { title: 'mesh: health-check timeout not below interval', yaml: mesh('      endpoints:\n        - host: db1\n          port: 5432\n      health_check:\n        interval: 3s\n        timeout: 10s\n'), code: 'DBA_SPEC_HEALTH_TIMEOUT', path: '/service_mesh/database_services/0/health_check/timeout', line: 9 },
  { title: 'mesh: mtls certificate without its key', yaml: `service_mesh:\n  mtls:\n    ca: file:///run/ca.crt\n    certificate: file:///run/app.crt\n  database_services:\n    - name: pg\n      endpoints:\n        - { host: db1, port: 5432 }\n`, code: 'DBA_SPEC_MISSING_KEY', path: '/service_mesh/mtls/key', line: 2 },
  { title: 'mesh: negative weight', yaml: mesh('      endpoints:\n        - host: db1\n          port: 5432\n          weight: -5\n'), code: 'DBA_SPEC_RANGE', path: '/service_mesh/database_services/0/endpoints/0/weight', line: 7 },
  { title: 'mesh: all weights zero', yaml: mesh('      endpoints:\n        - host: db1\n          port: 5432\n          weight: 0\n        - host: db2\n          port: 5432\n          weight: 0\n'), code: 'DBA_SPEC_WEIGHTS', path: '/service_mesh/database_services/0/endpoints', line: 5 },
  { title: 'mesh: port out of range', yaml: mesh('      endpoints:\n        - host: db1\n          port: 70000\n'), code: 'DBA_SPEC_RANGE', path: '/service_mesh/database_services/0/endpoints/0/port', line: 6 },
  { title: 'mesh: host with a space', yaml: mesh('      endpoints:\n        - host: db 1\n          port: 5432\n'), code: 'DBA_SPEC_PATTERN', path: '/service_mesh/database_services/0/endpoints/0/host', line: 5 },
  { title: 'mesh: duplicate endpoint', yaml: mesh('      endpoints:\n        - host: db1\n          port: 5432\n        - host: db1\n          port: 5432\n'), code: 'DBA_SPEC_DUPLICATE_NAME', path: '/service_mesh/database_services/0/endpoints/1', line: 7 },
  { title: 'duration: negative interval', yaml: mesh('      endpoints:\n        - host: db1\n          port: 5432\n      health_check:\n        interval: -10s\n        timeout: 1s\n'), code: 'DBA_SPEC_DURATION', path: '/service_mesh/database_services/0/health_check/interval', line: 8 },
  // cache_config
  { title: 'cache: duplicate TTL pattern', yaml: 'cache_config:\n  provider: redis\n  ttl_policies:\n    - pattern: "user:*"\n      ttl: 60\n    - pattern: "user:*"\n      ttl: 120\n', code: 'DBA_SPEC_DUPLICATE_PATTERN', path: '/cache_config/ttl_policies/1/pattern', line: 6 },
  { title: 'cache: unproduced invalidation event (warning)', yaml: 'cache_config:\n  provider: redis\n  ttl_policies:\n    - pattern: "user:*"\n      ttl: 60\n      invalidate_on: [user.renamed]\n', code: 'DBA_SPEC_EVENT_UNPRODUCED', path: '/cache_config/ttl_policies/0/invalidate_on/0', line: 6, severity: 'warning' },
  { title: 'cache: provider enum', yaml: 'cache_config:\n  provider: memcache\n  ttl_policies:\n    - pattern: "a:*"\n      ttl: 60\n', code: 'DBA_SPEC_ENUM', path: '/cache_config/provider', line: 2 },
  { title: 'cache: TTL of zero', yaml: 'cache_config:\n  provider: redis\n  ttl_policies:\n    - pattern: "a:*"\n      ttl: 0\n', code: 'DBA_SPEC_RANGE', path: '/cache_config/ttl_policies/0/ttl', line: 5 },
  { title: 'duration: months refused', yaml: 'cache_config:\n  provider: redis\n  ttl_policies:\n    - pattern: "a:*"\n      ttl: 1mo\n', code: 'DBA_SPEC_DURATION', path: '/cache_config/ttl_policies/0/ttl', line: 5 },
  { title: 'size: unknown unit', yaml: 'cache_config:\n  provider: redis\n  max_memory: 64 megs\n  ttl_policies:\n    - pattern: "a:*"\n      ttl: 60\n', code: 'DBA_SPEC_SIZE', path: '/cache_config/max_memory', line: 3 },
  { title: 'size: no unit', yaml: 'cache_config:\n  provider: redis\n  max_memory: "64"\n  ttl_policies:\n    - pattern: "a:*"\n      ttl: 60\n', code: 'DBA_SPEC_SIZE', path: '/cache_config/max_memory', line: 3 },
  { title: 'cache: missing ttl_policies', yaml: 'cache_config:\n  provider: redis\n', code: 'DBA_SPEC_MISSING_KEY', path: '/cache_config/ttl_policies', line: 1 },
  // queue_config
  { title: 'queue: wildcard inside a topic word', yaml: queue('      type: topic\n      queues:\n        - name: inv\n          binding_key: inventory*\n'), code: 'DBA_SPEC_QUEUE_BINDING', path: '/queue_config/exchanges/0/queues/0/binding_key', line: 8 },
  { title: 'queue: wildcard on a direct exchange', yaml: queue('      type: direct\n      queues:\n        - name: inv\n          binding_key: inventory.*\n'), code: 'DBA_SPEC_QUEUE_BINDING', path: '/queue_config/exchanges/0/queues/0/binding_key', line: 8 },
  { title: 'queue: binding key on fanout', yaml: queue('      type: fanout\n      queues:\n        - name: inv\n          binding_key: inventory\n'), code: 'DBA_SPEC_QUEUE_BINDING', path: '/queue_config/exchanges/0/queues/0/binding_key', line: 8 },
  { title: 'queue: headers exchange without headers', yaml: queue('      type: headers\n      queues:\n        - name: inv\n'), code: 'DBA_SPEC_QUEUE_BINDING', path: '/queue_config/exchanges/0/queues/0/name', line: 7 },
  { title: 'queue: topic queue without a key', yaml: queue('      type: topic\n      queues:\n        - name: inv\n'), code: 'DBA_SPEC_QUEUE_BINDING', path: '/queue_config/exchanges/0/queues/0/name', line: 7 },
  { title: 'queue: exchange type enum', yaml: queue('      type: topics\n'), code: 'DBA_SPEC_ENUM', path: '/queue_config/exchanges/0/type', line: 5 },
  { title: 'queue: outbox to an undeclared exchange', yaml: queue('      type: topic\n') + '  outbox:\n    exchange: event\n    events: [order.placed]\n', code: 'DBA_SPEC_UNKNOWN_REFERENCE', path: '/queue_config/outbox/exchange', line: 7 },
  { title: 'connection: AMQP URL for the wrong service', yaml: 'queue_config:\n  provider: rabbitmq\n  url: redis://127.0.0.1:6379\n  exchanges:\n    - name: e\n      type: fanout\n', code: 'DBA_SPEC_CONNECTION_URL', path: '/queue_config/url', line: 3 },
  // cdc_config
  { title: 'cdc: connector enum', yaml: 'cdc_config:\n  connector: debezium-mysql\n  tables: [users]\n  publish_to: kafka\n', code: 'DBA_SPEC_ENUM', path: '/cdc_config/connector', line: 2 },
  { title: 'cdc: duplicate table', yaml: 'cdc_config:\n  connector: pgoutput\n  tables: [users, users]\n  publish_to: kafka\n', code: 'DBA_SPEC_DUPLICATE_NAME', path: '/cdc_config/tables/1', line: 3 },
  { title: 'cdc: rabbitmq without queue_config', yaml: 'cdc_config:\n  connector: pgoutput\n  tables: [users]\n  publish_to: rabbitmq\n', code: 'DBA_SPEC_UNKNOWN_REFERENCE', path: '/cdc_config/publish_to', line: 4 },
  // monitoring_config
  { title: 'monitoring: duplicate exporter port', yaml: monitoring('  exporters:\n    - type: prometheus\n      port: 9187\n      metrics: [pg_stat_database]\n    - type: statsd\n      port: 9187\n      metrics: [replication_lag]\n'), code: 'DBA_SPEC_PORT_CONFLICT', path: '/monitoring_config/exporters/1/port', line: 7 },
  { title: 'monitoring: port out of range', yaml: monitoring('  exporters:\n    - type: prometheus\n      port: 0\n      metrics: [pg_stat_database]\n'), code: 'DBA_SPEC_RANGE', path: '/monitoring_config/exporters/0/port', line: 4 },
  { title: 'metric: unknown exporter metric', yaml: monitoring('  exporters:\n    - type: prometheus\n      metrics: [pg_stat_databse]\n'), code: 'DBA_SPEC_UNKNOWN_METRIC', path: '/monitoring_config/exporters/0/metrics/0', line: 4 },
  { title: 'secret: inline datadog api_key', yaml: monitoring('  exporters:\n    - type: datadog\n      api_key: 0123456789abcdef\n      metrics: [replication_lag]\n'), code: 'DBA_SPEC_INLINE_SECRET', path: '/monitoring_config/exporters/0/api_key', line: 4 },
  { title: 'secret: reference with a default', yaml: monitoring('  exporters:\n    - type: datadog\n      api_key: ${DD_API_KEY:-0123456789abcdef}\n      metrics: [replication_lag]\n'), code: 'DBA_SPEC_INLINE_SECRET', path: '/monitoring_config/exporters/0/api_key', line: 4 },
  { title: 'monitoring: datadog without api_key', yaml: monitoring('  exporters:\n    - type: datadog\n      metrics: [replication_lag]\n'), code: 'DBA_SPEC_MISSING_KEY', path: '/monitoring_config/exporters/0/api_key', line: 3 },
  { title: 'alert: unparsable condition', yaml: monitoring('  alerting:\n    channels: [slack]\n    rules:\n      - name: r\n        condition: replication_lag is high\n        severity: warning\n'), code: 'DBA_SPEC_ALERT_CONDITION', path: '/monitoring_config/alerting/rules/0/condition', line: 6 },
  { title: 'alert: unknown metric in condition', yaml: monitoring('  alerting:\n    channels: [slack]\n    rules:\n      - name: r\n        condition: replication_lagg > 10s\n        severity: warning\n'), code: 'DBA_SPEC_UNKNOWN_METRIC', path: '/monitoring_config/alerting/rules/0/condition', line: 6 },
  { title: 'alert: percentage threshold on a duration metric', yaml: monitoring('  alerting:\n    channels: [slack]\n    rules:\n      - name: r\n        condition: replication_lag > 90%\n        severity: warning\n'), code: 'DBA_SPEC_ALERT_UNIT', path: '/monitoring_config/alerting/rules/0/condition', line: 6 },
  { title: 'percent: above 100', yaml: monitoring('  alerting:\n    channels: [slack]\n    rules:\n      - name: r\n        condition: pool_utilization > 150%\n        severity: critical\n'), code: 'DBA_SPEC_PERCENT', path: '/monitoring_config/alerting/rules/0/condition', line: 6 },
  { title: 'alert: severity enum', yaml: monitoring('  alerting:\n    channels: [slack]\n    rules:\n      - name: r\n        condition: pool_utilization > 90%\n        severity: critcal\n'), code: 'DBA_SPEC_ENUM', path: '/monitoring_config/alerting/rules/0/severity', line: 7 },
  { title: 'alert: rule channel not declared', yaml: monitoring('  alerting:\n    channels: [slack]\n    rules:\n      - name: r\n        condition: pool_utilization > 90%\n        severity: critical\n        channels: [pagerduty]\n'), code: 'DBA_SPEC_UNKNOWN_REFERENCE', path: '/monitoring_config/alerting/rules/0/channels/0', line: 8 },
  // deployment_config
  { title: 'deployment: duplicate environment', yaml: deployment('    - name: production\n      database: prod2_db\n'), code: 'DBA_SPEC_DUPLICATE_NAME', path: '/deployment_config/environments/1/name', line: 7 },
  { title: 'deployment: production auto-migrates without approval', yaml: deployment('      auto_migrate: true\n'), code: 'DBA_SPEC_UNSAFE_AUTO_MIGRATE', path: '/deployment_config/environments/0/auto_migrate', line: 7 },
  { title: 'deployment: protected staging auto-migrates without approval', yaml: 'deployment_config:\n  source_control: git\n  repository: r\n  environments:\n    - name: staging\n      database: s_db\n      protected: true\n      auto_migrate: true\n', code: 'DBA_SPEC_UNSAFE_AUTO_MIGRATE', path: '/deployment_config/environments/0/auto_migrate', line: 8 },
  { title: 'deployment: auto_migrate not a boolean', yaml: deployment('      auto_migrate: "no"\n'), code: 'DBA_SPEC_TYPE', path: '/deployment_config/environments/0/auto_migrate', line: 7 },
  { title: 'deployment: source_control enum', yaml: 'deployment_config:\n  source_control: svn\n  repository: r\n  environments:\n    - name: dev\n      database: d\n', code: 'DBA_SPEC_ENUM', path: '/deployment_config/source_control', line: 2 },
  { title: 'deployment: missing migrations directory (warning)', yaml: 'deployment_config:\n  source_control: git\n  repository: r\n  migrations:\n    directory: ./no-such-dir\n  environments:\n    - name: dev\n      database: d\n', code: 'DBA_SPEC_MIGRATIONS_DIR', path: '/deployment_config/migrations/directory', line: 5, severity: 'warning' },
  { title: 'deployment: unknown key with did-you-mean', yaml: deployment('      require_aproval: true\n'), code: 'DBA_SPEC_UNKNOWN_KEY', path: '/deployment_config/environments/0/require_aproval', line: 7 },
  // blue_green
  { title: 'blue-green: same database twice', yaml: 'blue_green:\n  current: blue_db\n  standby: blue_db\n  deployment_steps: 1. Switch\n', code: 'DBA_SPEC_BLUE_GREEN_SAME', path: '/blue_green/standby', line: 3 },
  { title: 'steps: prose without numbers', yaml: 'blue_green:\n  current: blue_db\n  standby: green_db\n  deployment_steps: Apply migrations then switch\n', code: 'DBA_SPEC_STEPS', path: '/blue_green/deployment_steps', line: 4 },
  { title: 'steps: prose with a gap', yaml: 'blue_green:\n  current: blue_db\n  standby: green_db\n  deployment_steps:\n    1. Apply migrations\n    3. Switch\n', code: 'DBA_SPEC_STEPS', path: '/blue_green/deployment_steps', line: 5 },
  { title: 'steps: typo in a structured step', yaml: 'blue_green:\n  current: blue_db\n  standby: green_db\n  deployment_steps:\n    - name: Apply\n      acton: migrations.apply\n', code: 'DBA_SPEC_UNKNOWN_KEY', path: '/blue_green/deployment_steps/0/acton', line: 6 },
  { title: 'steps: duplicate step names', yaml: 'blue_green:\n  current: blue_db\n  standby: green_db\n  deployment_steps:\n    - name: Apply\n    - name: Apply\n', code: 'DBA_SPEC_DUPLICATE_NAME', path: '/blue_green/deployment_steps/1/name', line: 6 },
  { title: 'steps: bad step timeout', yaml: 'blue_green:\n  current: blue_db\n  standby: green_db\n  deployment_steps:\n    - name: Apply\n      action: migrations.apply\n      timeout: soon\n', code: 'DBA_SPEC_DURATION', path: '/blue_green/deployment_steps/0/timeout', line: 7 },
  // security_config
  { title: 'security: unknown privilege', yaml: security('  authorization:\n    model: RBAC\n    roles:\n      - name: app\n        permissions: [SELECT, UPSERT]\n'), code: 'DBA_SPEC_ENUM', path: '/security_config/authorization/roles/0/permissions/1', line: 6 },
  { title: 'security: unknown restriction', yaml: security('  authorization:\n    model: RBAC\n    roles:\n      - name: app\n        permissions: [SELECT]\n        restrictions: [no_dll]\n'), code: 'DBA_SPEC_ENUM', path: '/security_config/authorization/roles/0/restrictions/0', line: 7 },
  { title: 'security: restriction contradicts permission', yaml: security('  authorization:\n    model: RBAC\n    roles:\n      - name: app\n        permissions: [SELECT, TRUNCATE]\n        restrictions: [no_truncate]\n'), code: 'DBA_SPEC_ROLE_CONFLICT', path: '/security_config/authorization/roles/0/restrictions/0', line: 7 },
  { title: 'security: duplicate role', yaml: security('  authorization:\n    model: RBAC\n    roles:\n      - name: app\n        permissions: [SELECT]\n      - name: app\n        permissions: [INSERT]\n'), code: 'DBA_SPEC_DUPLICATE_NAME', path: '/security_config/authorization/roles/1/name', line: 7 },
  { title: 'security: TLS 1.1', yaml: security('  encryption:\n    in_transit:\n      tls_version: 1.1\n'), code: 'DBA_SPEC_TLS_VERSION', path: '/security_config/encryption/in_transit/tls_version', line: 4 },
  { title: 'security: TLS 1.2 suite under TLS 1.3', yaml: security('  encryption:\n    in_transit:\n      tls_version: 1.3\n      cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]\n'), code: 'DBA_SPEC_CIPHER_SUITE', path: '/security_config/encryption/in_transit/cipher_suites/0', line: 5 },
  { title: 'security: weak cipher suite', yaml: security('  encryption:\n    in_transit:\n      tls_version: 1.2\n      cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n'), code: 'DBA_SPEC_CIPHER_SUITE', path: '/security_config/encryption/in_transit/cipher_suites/0', line: 5 },
  { title: 'security: certificate auth without a CA', yaml: security('  authentication:\n    method: certificate\n'), code: 'DBA_SPEC_MISSING_KEY', path: '/security_config/authentication/certificate_authority', line: 2 },
  { title: 'secret: inline role password', yaml: security('  authorization:\n    model: RBAC\n    roles:\n      - name: app\n        permissions: [SELECT]\n        password: hunter2\n'), code: 'DBA_SPEC_INLINE_SECRET', path: '/security_config/authorization/roles/0/password', line: 7 },
  { title: 'security: key_rotation duration', yaml: security('  encryption:\n    at_rest:\n      enabled: true\n      provider: aws_kms\n      key_rotation: quarterly\n'), code: 'DBA_SPEC_DURATION', path: '/security_config/encryption/at_rest/key_rotation', line: 6 },
  { title: 'security: aws_kms key_id that names no KMS key', yaml: security('  encryption:\n    at_rest:\n      enabled: true\n      provider: aws_kms\n      key_id: my backups key\n'), code: 'DBA_KMS_REFERENCE_INVALID', path: '/security_config/encryption/at_rest/key_id', line: 6 },
  { title: 'security: approvals with both jwks_url and public_key', yaml: security('  approvals:\n    jwt:\n      issuer: https://login.example.com/\n      audience: dbarch-approvals\n      jwks_url: https://login.example.com/jwks\n      public_key: ${APPROVAL_KEY}\n'), code: 'DBA_SPEC_APPROVALS_KEY', path: '/security_config/approvals/jwt', line: 4 },
  { title: 'security: RLS policy with invalid SQL', yaml: security('  row_level_security:\n    tables:\n      - table: users\n        policies:\n          - name: p\n            using: "user_id = = 1"\n'), code: 'DBA_SPEC_POLICY_SQL', path: '/security_config/row_level_security/tables/0/policies/0/using', line: 7 },
  { title: 'security: RLS policy smuggling a second statement', yaml: security('  row_level_security:\n    tables:\n      - table: users\n        policies:\n          - name: p\n            using: "true); DROP TABLE users; --"\n'), code: 'DBA_SPEC_POLICY_SQL', path: '/security_config/row_level_security/tables/0/policies/0/using', line: 7 },
  { title: 'security: RLS using smuggling a WITH CHECK clause', yaml: security('  row_level_security:\n    tables:\n      - table: users\n        policies:\n          - name: p\n            using: "true) WITH CHECK (false"\n'), code: 'DBA_SPEC_POLICY_SQL', path: '/security_config/row_level_security/tables/0/policies/0/using', line: 7 },
  { title: 'security: RLS INSERT policy with using', yaml: security('  row_level_security:\n    tables:\n      - table: users\n        policies:\n          - name: p\n            command: INSERT\n            using: "true"\n'), code: 'DBA_SPEC_POLICY_SQL', path: '/security_config/row_level_security/tables/0/policies/0/using', line: 8 },
  { title: 'security: RLS policy for an unknown role', yaml: security('  row_level_security:\n    tables:\n      - table: users\n        policies:\n          - name: p\n            using: "true"\n            roles: [nobody]\n'), code: 'DBA_SPEC_UNKNOWN_REFERENCE', path: '/security_config/row_level_security/tables/0/policies/0/roles/0', line: 8 },
  // backup_config
  { title: 'backup: retention shorter than the PITR window', yaml: backup('  base_backups:\n    frequency: daily\n    retention: 3d\n    destination: s3://backups/db/\n  wal_archiving:\n    enabled: true\n    destination: s3://wal-archive/\n  point_in_time_recovery:\n    enabled: true\n    recovery_window: 7d\n'), code: 'DBA_SPEC_BACKUP_RETENTION', path: '/backup_config/base_backups/retention', line: 5 },
  { title: 'backup: PITR without WAL archiving', yaml: backup('  wal_archiving:\n    enabled: false\n  point_in_time_recovery:\n    enabled: true\n    recovery_window: 7d\n'), code: 'DBA_SPEC_PITR_WAL', path: '/backup_config/wal_archiving/enabled', line: 4 },
  { title: 'backup: aws-kms:// encryption_key without a key', yaml: backup('  base_backups:\n    frequency: daily\n    retention: 30d\n    destination: s3://backups/db/\n    encryption: aes-256\n    encryption_key: aws-kms://backups?region=eu-west-2\n'), code: 'DBA_KMS_REFERENCE_INVALID', path: '/backup_config/base_backups/encryption_key', line: 8 },
  { title: 'frequency: unknown name', yaml: backup('  base_backups:\n    frequency: daly\n    retention: 30d\n    destination: s3://backups/db/\n'), code: 'DBA_SPEC_FREQUENCY', path: '/backup_config/base_backups/frequency', line: 4 },
  { title: 'frequency: cron field out of range', yaml: backup('  base_backups:\n    frequency: 0 25 * * *\n    retention: 30d\n    destination: s3://backups/db/\n'), code: 'DBA_SPEC_FREQUENCY', path: '/backup_config/base_backups/frequency', line: 4 },
  { title: 'destination: unsupported scheme', yaml: backup('  base_backups:\n    frequency: daily\n    retention: 30d\n    destination: ftp://backups/db/\n'), code: 'DBA_SPEC_DESTINATION', path: '/backup_config/base_backups/destination', line: 6 },
  { title: 'destination: relative file URL', yaml: backup('  base_backups:\n    frequency: daily\n    retention: 30d\n    destination: file://backups/\n'), code: 'DBA_SPEC_DESTINATION', path: '/backup_config/base_backups/destination', line: 6 },
  { title: 'destination: bad bucket name', yaml: backup('  base_backups:\n    frequency: daily\n    retention: 30d\n    destination: s3://My_Bucket/db/\n'), code: 'DBA_SPEC_DESTINATION', path: '/backup_config/base_backups/destination', line: 6 },
  { title: 'backup: compression enum', yaml: backup('  base_backups:\n    frequency: daily\n    retention: 30d\n    destination: s3://backups/db/\n    compression: zip\n'), code: 'DBA_SPEC_ENUM', path: '/backup_config/base_backups/compression', line: 7 },
  { title: 'backup: cross-region without a region', yaml: backup('  cross_region_replication:\n    enabled: true\n'), code: 'DBA_SPEC_MISSING_KEY', path: '/backup_config/cross_region_replication/target_region', line: 3 },
  // failover_procedure
  { title: 'failover: prose without numbers', yaml: 'failover_procedure: Promote the standby and update DNS\n', code: 'DBA_SPEC_STEPS', path: '/failover_procedure', line: 1 },
  { title: 'failover: a number instead of steps', yaml: 'failover_procedure: 42\n', code: 'DBA_SPEC_TYPE', path: '/failover_procedure', line: 1 },
  { title: 'failover: unknown key in the mapping form', yaml: 'failover_procedure:\n  cluster: main\n  step:\n    - name: Promote\n', code: 'DBA_SPEC_UNKNOWN_KEY', path: '/failover_procedure/step', line: 3 },
  { title: 'failover: bad action name', yaml: 'failover_procedure:\n  - name: Promote\n    action: Promote Standby\n', code: 'DBA_SPEC_PATTERN', path: '/failover_procedure/0/action', line: 3 },
];
