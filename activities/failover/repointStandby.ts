import type pg from 'pg';
import type { FailoverMember } from './FailoverCluster.ts';
import { withMember } from './memberClient.ts';

/** libpq conninfo of a standby's upstream: the superuser over TCP, the standby's own name as application_name. */
export function primaryConninfo(primary: Pick<FailoverMember, 'host' | 'port'>, standby: string): string {
  return `host=${primary.host} port=${primary.port} user=postgres application_name=${standby}`;
}

/** Makes sure `primary` keeps a physical slot for each standby (named after it), before they connect. */
export async function ensureSlots(client: pg.Client, standbys: readonly string[]): Promise<string[]> {
  const created: string[] = [];
  for (const name of standbys) {
    const made = await client.query(
      `SELECT pg_create_physical_replication_slot($1, true) WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)`,
      [name],
    );
    if ((made.rowCount ?? 0) > 0) created.push(name);
  }
  return created;
}

/**
 * Points a standby at `primary`: primary_conninfo and primary_slot_name by ALTER SYSTEM, then a reload, which (since
 * PostgreSQL 13) restarts its WAL receiver with the new upstream; recovery_target_timeline 'latest' (the default)
 * makes it follow the new timeline. Idempotent.
 */
export async function repointStandby(standby: FailoverMember, primary: FailoverMember, timeoutMs: number): Promise<void> {
  await withMember(standby, timeoutMs, async (client) => {
    await client.query(`ALTER SYSTEM SET primary_conninfo = ${client.escapeLiteral(primaryConninfo(primary, standby.name))}`);
    await client.query(`ALTER SYSTEM SET primary_slot_name = ${client.escapeLiteral(standby.name)}`);
    await client.query('SELECT pg_reload_conf()');
  });
}
