import type { Client } from '@temporalio/client';
import { openObjectStore } from '../activities/backup/store/openObjectStore.ts';
import { copyS3SettingsFromEnv, s3SettingsFromEnv } from '../activities/backup/store/S3Settings.ts';
import type { PlatformSource } from '../activities/monitoring/PlatformSource.ts';
import { baseBackupSource } from '../activities/monitoring/sources/baseBackupSource.ts';
import { crossRegionCopySource } from '../activities/monitoring/sources/crossRegionCopySource.ts';
import { outboxBacklogSource } from '../activities/monitoring/sources/outboxBacklogSource.ts';
import { queueDepthSource } from '../activities/monitoring/sources/queueDepthSource.ts';
import { compileSpec } from '../compiler/compileSpec.ts';
import { resolveEnvReferences } from '../compiler/grammar/envReference.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import { backupCluster } from '../plugins/backup/baseBackupSettings.ts';
import { loadPluginRegistry } from '../plugins/loadPluginRegistry.ts';
import { serviceUrls } from '../runtime/serviceUrls.ts';
import { planningError } from './planningError.ts';
import { primaryUrlOfDatabase } from './primaryUrlOfDatabase.ts';
import { workflowOutcomesSource } from './workflowOutcomesSource.ts';

export interface ExporterSourceOptions {
  /** Temporal, for workflow outcomes and drill results; without it those families are absent. */
  readonly temporal?: Client;
  /** Bound on each source's statements (the outbox query). */
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The exporter's platform sources for a spec, each from the section that gives it material: queue_config's queues
 * (depth and consumers, on its broker), queue_config.outbox's database (backlog, oldest event, dead letters),
 * backup_config's base backup destination (newest backup, count, size) and how far its cross-region copy trails,
 * and Temporal when a client is given.
 * References are resolved here, on the exporter's host.
 */
export async function exporterSourcesOfSpec(paths: readonly string[], options: ExporterSourceOptions): Promise<PlatformSource[]> {
  const env = options.env ?? process.env;
  const registry = await loadPluginRegistry();
  const compiled = await compileSpec(paths, { sections: registry.sections() });
  if (!compiled.valid || compiled.spec === undefined) throw planningError(`${paths.join(', ')} is not valid`, compiled.errors);
  const spec = compiled.spec;
  const resolve = (reference: string, what: string) => {
    const resolved = resolveEnvReferences(reference, env);
    if (!resolved.ok) throw new DbarchError('DBA_MONITORING_TARGET_INVALID', `${what} ${reference}: ${resolved.message}`, resolved.hint ? { hint: resolved.hint } : {});
    return resolved.value;
  };
  const sources: PlatformSource[] = [];
  const queue = spec.queue_config;
  const queues = (queue?.exchanges ?? []).flatMap((e) => (e.queues ?? []).map((q) => q.name));
  if (queue !== undefined && queues.length > 0) {
    sources.push(queueDepthSource(queue.url === undefined ? serviceUrls(env).rabbitmq : resolve(queue.url, 'queue_config.url'), [...new Set(queues)]));
  }
  const outbox = queue?.outbox;
  if (outbox?.database !== undefined) {
    sources.push(outboxBacklogSource(primaryUrlOfDatabase(spec, outbox.database, outbox.cluster, env), outbox.database, options.timeoutMs));
  }
  const base = spec.backup_config?.base_backups;
  const cluster = backupCluster(spec);
  if (base !== undefined && cluster !== undefined) {
    const backups = openObjectStore(resolve(base.destination, 'backup_config.base_backups.destination'), s3SettingsFromEnv(env));
    sources.push(baseBackupSource(cluster, backups));
    const copy = spec.backup_config?.cross_region_replication;
    const wal = spec.backup_config?.wal_archiving;
    if (copy?.enabled === true && copy.destination !== undefined) {
      const copyStore = openObjectStore(resolve(copy.destination, 'backup_config.cross_region_replication.destination'), copyS3SettingsFromEnv(env));
      sources.push(
        crossRegionCopySource(cluster, {
          backups,
          copy: copyStore,
          ...(wal?.enabled === true && wal.destination !== undefined
            ? { wal: openObjectStore(resolve(wal.destination, 'backup_config.wal_archiving.destination'), s3SettingsFromEnv(env)) }
            : {}),
        }),
      );
    }
  }
  if (options.temporal !== undefined) sources.push(workflowOutcomesSource(options.temporal));
  return sources;
}
