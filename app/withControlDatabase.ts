import pg from 'pg';
import type { ControlDatabase } from '../activities/topology/publishTopology.ts';
import { serviceUrls } from '../runtime/serviceUrls.ts';

/** Runs `work` with a small pool on the control database (DATABASE_URL, where the published topology lives). */
export async function withControlDatabase<T>(work: (control: ControlDatabase) => Promise<T>, url = serviceUrls().postgres): Promise<T> {
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: 'dbarch:cluster' });
  pool.on('error', () => undefined);
  try {
    return await work({ url, pool });
  } finally {
    await pool.end();
  }
}
