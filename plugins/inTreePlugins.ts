import { blueGreenPlugin } from './blue_green/blueGreenPlugin.ts';
import { backupPlugin } from './backup/backupPlugin.ts';
import { cachePlugin } from './cache/cachePlugin.ts';
import { cdcPlugin } from './cdc/cdcPlugin.ts';
import { dnsPlugin } from './dns/dnsPlugin.ts';
import { failoverPlugin } from './failover/failoverPlugin.ts';
import { keysPlugin } from './keys/keysPlugin.ts';
import { migrationsPlugin } from './migrations/migrationsPlugin.ts';
import { monitoringPlugin } from './monitoring/monitoringPlugin.ts';
import { queuePlugin } from './queue/queuePlugin.ts';
import { securityPlugin } from './security/securityPlugin.ts';
import { tlsPlugin } from './tls/tlsPlugin.ts';
import { vacuumPlugin } from './vacuum/vacuumPlugin.ts';

/** Plugins shipped in plugins/: registered in every worker and planner without configuration. */
export const inTreePlugins = [
  { plugin: vacuumPlugin, source: 'plugins/vacuum' },
  { plugin: blueGreenPlugin, source: 'plugins/blue_green' },
  { plugin: migrationsPlugin, source: 'plugins/migrations' },
  { plugin: backupPlugin, source: 'plugins/backup' },
  { plugin: failoverPlugin, source: 'plugins/failover' },
  { plugin: dnsPlugin, source: 'plugins/dns' },
  { plugin: monitoringPlugin, source: 'plugins/monitoring' },
  { plugin: queuePlugin, source: 'plugins/queue' },
  { plugin: securityPlugin, source: 'plugins/security' },
  { plugin: cdcPlugin, source: 'plugins/cdc' },
  { plugin: cachePlugin, source: 'plugins/cache' },
  { plugin: tlsPlugin, source: 'plugins/tls' },
  { plugin: keysPlugin, source: 'plugins/keys' },
] as const;
