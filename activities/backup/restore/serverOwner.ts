import { execFileSync } from 'node:child_process';

/**
 * Who owns a restored data directory and runs its server: the `postgres` user when dbarch runs as root (the
 * server refuses root), else dbarch's own user (undefined: nothing to change).
 */
export function serverOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}
