import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * Runs pg_ctl (DBARCH_PG_BINDIR, else PATH) as the data directory's owner. The server it starts inherits this
 * process's environment, which is how restore_command gets the S3 credentials and the key reference's variable.
 */
export function runPgCtl(args: readonly string[], options: { pgBinDir?: string; owner?: { uid: number; gid: number } }): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.pgBinDir ? join(options.pgBinDir, 'pg_ctl') : 'pg_ctl', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.owner ? { uid: options.owner.uid, gid: options.owner.gid } : {}),
    });
    let output = '';
    const append = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-16_384));
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}
