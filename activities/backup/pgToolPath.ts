import { join } from 'node:path';

/** The PostgreSQL client program to run: from DBARCH_PG_BINDIR when set, else from PATH. */
export function pgToolPath(tool: 'pg_dump' | 'pg_restore' | 'psql', binDir: string | undefined): string {
  return binDir ? join(binDir, tool) : tool;
}
