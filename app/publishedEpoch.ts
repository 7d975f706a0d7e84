import pg from 'pg';
import { readTopology } from '../activities/topology/readTopology.ts';

/** The published topology epoch of a cluster in the control database (0 when none is published). */
export async function publishedEpoch(controlUrl: string, cluster: string): Promise<number> {
  const client = new pg.Client({ connectionString: controlUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await readTopology(client, cluster))?.epoch ?? 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}
