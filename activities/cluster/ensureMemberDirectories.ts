import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chownToServer } from './chownToServer.ts';
import type { MemberPaths } from './memberPaths.ts';

/** The member's root, socket and log directories, owned by the server's user (initdb creates PGDATA itself). */
export function ensureMemberDirectories(paths: MemberPaths): void {
  const clusterDir = path.dirname(paths.root);
  mkdirSync(clusterDir, { recursive: true, mode: 0o755 });
  chownToServer(clusterDir);
  for (const dir of [paths.root, paths.socket, path.dirname(paths.logFile)]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chownToServer(dir);
  }
}
