import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseClient } from '../client/DatabaseClient.ts';
import type { EndpointRole } from '../client/Endpoint.ts';
import { scramVerifier } from './scramVerifier.ts';

export interface ConnectionRequest {
  readonly database: string;
  readonly mode: 'read' | 'write';
  /** The login role's CONNECTION LIMIT. */
  readonly poolSize: number;
  /** The login role's statement_timeout in that database. */
  readonly timeoutMs: number;
  /** How long the credential logs in (VALID UNTIL). */
  readonly ttlMs: number;
}

export interface IssuedConnection {
  readonly connectionString: string;
  readonly poolId: string;
  readonly role: string;
  readonly validUntil: string;
  readonly endpoints: readonly { readonly host: string; readonly port: number; readonly role: EndpointRole }[];
}

/** Login roles this creates: the prefix lets expired ones be found and dropped. */
export const issuedRolePrefix = 'dbarch_conn_';

/**
 * The seed's Connection API behind the gateway: a login role of its own for the caller, never the gateway's
 * credential, that stops logging in at VALID UNTIL, with CONNECTION LIMIT pool_size, statement_timeout
 * timeout_ms, and read mode enforced by the server (pg_read_all_data, default_transaction_read_only) rather than
 * by trust. Expired roles that own nothing are dropped on the way.
 */
export async function issueConnection(client: DatabaseClient, request: ConnectionRequest): Promise<IssuedConnection> {
  const id = randomBytes(6).toString('hex');
  const role = `${issuedRolePrefix}${id}`;
  const password = randomBytes(24).toString('base64url');
  const ident = pg.escapeIdentifier(role);
  const database = pg.escapeIdentifier(request.database);
  const validUntil = new Date(Date.now() + request.ttlMs).toISOString();
  await client.transaction(async (tx) => {
    await tx.query(`CREATE ROLE ${ident} LOGIN CONNECTION LIMIT ${Math.trunc(request.poolSize)} PASSWORD ${pg.escapeLiteral(scramVerifier(password))} VALID UNTIL ${pg.escapeLiteral(validUntil)}`);
    await tx.query(`GRANT ${request.mode === 'write' ? 'pg_read_all_data, pg_write_all_data' : 'pg_read_all_data'} TO ${ident}`);
    await tx.query(`ALTER ROLE ${ident} IN DATABASE ${database} SET statement_timeout = ${Math.trunc(request.timeoutMs)}`);
    if (request.mode === 'read') await tx.query(`ALTER ROLE ${ident} IN DATABASE ${database} SET default_transaction_read_only = on`);
  });
  await dropExpiredRoles(client);
  const endpoints = client.endpoints().filter((e) => e.up && e.role !== 'unknown');
  const target = (request.mode === 'read' ? endpoints.find((e) => e.readable) : undefined) ?? endpoints.find((e) => e.role === 'primary') ?? endpoints[0];
  const host = target === undefined ? '' : `${target.host}:${target.port}`;
  return {
    connectionString: `postgresql://${role}:${password}@${host}/${encodeURIComponent(request.database)}`,
    poolId: `pool_${id}`,
    role,
    validUntil,
    endpoints: endpoints.map((e) => ({ host: e.host, port: e.port, role: e.role })),
  };
}

async function dropExpiredRoles(client: DatabaseClient): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT rolname AS name FROM pg_roles WHERE starts_with(rolname, $1) AND rolvaliduntil < now()
       AND NOT EXISTS (SELECT 1 FROM pg_shdepend d WHERE d.refobjid = pg_roles.oid AND d.deptype = 'o')`,
    [issuedRolePrefix],
  );
  for (const { name } of rows) {
    // One at a time: a role that still has a session or gained an object stays until the next round.
    await client.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(name)}`).catch(() => undefined);
  }
}
