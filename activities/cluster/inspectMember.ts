import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { memberUrl } from '../../compiler/sections/clusters/memberUrl.ts';
import type { ManagedMember } from './ManagedCluster.ts';
import type { MemberPaths } from './memberPaths.ts';
import { probePort } from './probePort.ts';
import { processAlive } from '../../runtime/processAlive.ts';

/**
 * Where a member stands before anything is changed:
 * - `missing`: no data directory yet (to be created);
 * - `stopped`: a data directory and no live server (to be started); `standby` says whether standby.signal is there;
 * - `running`: its own postmaster answers on its port (role from pg_is_in_recovery);
 * - `unresponsive`: its postmaster lives but does not answer within the timeout (nothing may be changed);
 * - `foreign`: something else holds its port (another program, or a server with another data directory).
 */
export type MemberState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'stopped'; readonly standby: boolean }
  | { readonly kind: 'running'; readonly role: 'primary' | 'standby'; readonly pid: number }
  | { readonly kind: 'unresponsive'; readonly pid: number; readonly reason: string }
  | { readonly kind: 'foreign'; readonly holder: string };

export async function inspectMember(member: ManagedMember, paths: MemberPaths, timeoutMs: number): Promise<MemberState> {
  const exists = existsSync(path.join(paths.data, 'PG_VERSION'));
  const pid = exists ? livePostmaster(paths.data) : undefined;
  if (pid === undefined) {
    if (await probePort(member.host, member.port, timeoutMs)) {
      return { kind: 'foreign', holder: await describeHolder(member, timeoutMs) };
    }
    return exists ? { kind: 'stopped', standby: existsSync(path.join(paths.data, 'standby.signal')) } : { kind: 'missing' };
  }
  const client = new pg.Client({ connectionString: memberUrl(member), connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, application_name: 'dbarch:cluster' });
  // A server that dies mid-check emits 'error' on the client; the awaited call reports it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ data_directory: string; in_recovery: boolean }>(`SELECT current_setting('data_directory') AS data_directory, pg_is_in_recovery() AS in_recovery`);
    const row = rows[0];
    if (row === undefined || path.resolve(row.data_directory) !== path.resolve(paths.data)) {
      return { kind: 'foreign', holder: `a PostgreSQL server with data directory ${row?.data_directory ?? '?'}` };
    }
    return { kind: 'running', role: row.in_recovery ? 'standby' : 'primary', pid };
  } catch (error) {
    return { kind: 'unresponsive', pid, reason: (error as Error).message };
  } finally {
    void client.end().catch(() => undefined);
  }
}

/** The postmaster's pid from postmaster.pid when that process is alive (a stale file after a kill -9 is not). */
export function livePostmaster(dataDir: string): number | undefined {
  const file = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return processAlive(pid) ? pid : undefined;
}

async function describeHolder(member: ManagedMember, timeoutMs: number): Promise<string> {
  const client = new pg.Client({ connectionString: memberUrl(member), connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  // A server that dies mid-check emits 'error' on the client; the awaited call reports it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ dir: string }>(`SELECT current_setting('data_directory') AS dir`);
    return `a PostgreSQL server with data directory ${rows[0]?.dir ?? '?'}`;
  } catch {
    return 'a program that is not this member';
  } finally {
    void client.end().catch(() => undefined);
  }
}
