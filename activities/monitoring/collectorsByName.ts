import type { Collector } from './Collector.ts';
import type { CollectorName } from './collectorNames.ts';
import { diskUsageCollector } from './collectors/diskUsageCollector.ts';
import { pgLocksCollector } from './collectors/pgLocksCollector.ts';
import { pgStatActivityCollector } from './collectors/pgStatActivityCollector.ts';
import { pgStatBgwriterCollector } from './collectors/pgStatBgwriterCollector.ts';
import { pgStatDatabaseCollector } from './collectors/pgStatDatabaseCollector.ts';
import { pgStatReplicationCollector } from './collectors/pgStatReplicationCollector.ts';
import { pgStatStatementsCollector } from './collectors/pgStatStatementsCollector.ts';
import { replicationSlotsCollector } from './collectors/replicationSlotsCollector.ts';
import { walArchivingCollector } from './collectors/walArchivingCollector.ts';

export const collectorsByName: Readonly<Record<CollectorName, Collector>> = {
  pg_stat_database: pgStatDatabaseCollector,
  pg_stat_activity: pgStatActivityCollector,
  pg_locks: pgLocksCollector,
  pg_stat_bgwriter: pgStatBgwriterCollector,
  pg_stat_replication: pgStatReplicationCollector,
  replication_slots: replicationSlotsCollector,
  wal_archiving: walArchivingCollector,
  disk_usage: diskUsageCollector,
  pg_stat_statements: pgStatStatementsCollector,
};
