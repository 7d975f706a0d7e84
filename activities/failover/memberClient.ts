import pg from 'pg';
import type { FailoverMember } from './FailoverCluster.ts';

/**
 * A fresh connection to a member as the superuser over TCP (trust on loopback, as provisioning writes pg_hba), with
 * connect and statement budgets. Fresh on purpose: a backend of a killed postmaster may still answer on an old
 * connection, while a new connect to a dead postmaster is refused at once.
 */
export async function memberClient(member: Pick<FailoverMember, 'host' | 'port'>, timeoutMs: number, applicationName = 'dbarch:failover'): Promise<pg.Client> {
  const client = new pg.Client({
    host: member.host,
    port: member.port,
    user: 'postgres',
    database: 'postgres',
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: applicationName,
  });
  client.on('error', () => undefined); // a server dying under an idle client: the next query fails instead
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

/** Runs `work` on a fresh connection and always closes it. */
export async function withMember<T>(member: Pick<FailoverMember, 'host' | 'port'>, timeoutMs: number, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await memberClient(member, timeoutMs);
  try {
    return await work(client);
  } finally {
    void client.end().catch(() => undefined);
  }
}
