import pg from 'pg';

/**
 * Creates the physical replication slots (one per standby, named after the member) that are missing on the server
 * at `url`. `reserve`: reserve WAL at once (on the primary, so no WAL a standby needs is removed before it
 * connects); unreserved slots are cheap placeholders, e.g. on a new primary after a failover. Idempotent.
 */
export async function ensureReplicationSlots(url: string, slots: readonly string[], options: { reserve: boolean; timeoutMs?: number }): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: options.timeoutMs ?? 5000, application_name: 'dbarch:cluster' });
  // A server that dies mid-check emits 'error' on the client; the awaited call reports it.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ slot: string }>(
      `SELECT s.name AS slot FROM unnest($1::text[]) AS s(name)
        WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = s.name)`,
      [[...slots]],
    );
    for (const { slot } of rows) {
      await client.query('SELECT pg_create_physical_replication_slot($1, $2)', [slot, options.reserve]).catch((error: { code?: string }) => {
        // duplicate_object: created concurrently; that is the state we want.
        if (error.code !== '42710') throw error;
      });
    }
    return rows.map((r) => r.slot);
  } finally {
    await client.end().catch(() => undefined);
  }
}
