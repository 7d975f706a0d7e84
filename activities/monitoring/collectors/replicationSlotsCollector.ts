import type { Collector, MetricFamily, MetricSample } from '../Collector.ts';
import { metricSample } from '../metricSample.ts';

const slot = (name: string, type: MetricFamily['type'], help: string): MetricFamily => ({ name: `dbarch_pg_replication_slot_${name}`, type, help, labels: ['slot', 'slot_type'] });

const families = {
  retained_bytes: slot('retained_bytes', 'gauge', 'WAL the slot keeps on the primary (from its restart_lsn to the current position): what a stalled consumer costs in disk.'),
  safe_wal_bytes: slot('safe_wal_bytes', 'gauge', 'WAL that can still be written before the slot passes max_slot_wal_keep_size and is lost (absent when unbounded).'),
  active: slot('active', 'gauge', '1 while a consumer is attached to the slot.'),
  lost: slot('lost', 'gauge', '1 once the slot lost WAL it needed (wal_status lost): its consumer cannot resume from it.'),
} as const satisfies Record<string, MetricFamily>;

/**
 * Replication slots on a primary: the guardrail of change data capture (a logical slot whose consumer stops pins
 * WAL until the disk fills, Debezium's worst operational pain) and of physical standbys' slots.
 */
export const replicationSlotsCollector: Collector = {
  name: 'replication_slots',
  families: Object.values(families),
  async collect(session) {
    if (session.inRecovery) return [];
    const rows = await session.query<Record<keyof typeof families | 'slot' | 'slot_type', unknown>>(
      `SELECT slot_name AS slot, slot_type,
              CASE WHEN restart_lsn IS NULL THEN NULL ELSE greatest(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), 0) END AS retained_bytes,
              safe_wal_size AS safe_wal_bytes, active, (wal_status = 'lost') AS lost
         FROM pg_replication_slots`,
    );
    const samples: MetricSample[] = [];
    for (const row of rows) {
      const labels = { slot: String(row.slot), slot_type: String(row.slot_type) };
      samples.push(...Object.entries(families).flatMap(([column, family]) => metricSample(family, labels, row[column as keyof typeof families])));
    }
    return samples;
  },
};
