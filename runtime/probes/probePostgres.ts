import pg from 'pg';
import { redactUrl } from '../redactUrl.ts';
import { probeTimeoutMs } from './probeTimeoutMs.ts';
import type { ServiceProbe } from './ServiceProbe.ts';

export async function probePostgres(url: string): Promise<ServiceProbe> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: probeTimeoutMs, application_name: 'dbarch:probe' });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return { service: 'postgres', url: redactUrl(url), ok: true, version: rows[0]?.server_version ?? 'unknown', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { service: 'postgres', url: redactUrl(url), ok: false, error: describe(error), latencyMs: Math.round(performance.now() - started) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(describe).join('; ');
  return error instanceof Error ? error.message || error.name : String(error);
}
