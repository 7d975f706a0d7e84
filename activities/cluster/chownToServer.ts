import { chownSync } from 'node:fs';
import { serverOwner } from './serverTool.ts';

/** Gives a file or directory dbarch wrote to the user the members run as (a no-op when that is us). */
export function chownToServer(file: string): void {
  const ids = serverOwner();
  if (ids !== null) chownSync(file, ids.uid, ids.gid);
}
