import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DbarchError } from '../../errors/DbarchError.ts';
import { processAlive } from '../../runtime/processAlive.ts';

/**
 * Takes `<directory>/collector.lock` for one collector run, or DBA_AUDIT_BUSY (retryable) while another live process,
 * or an earlier attempt in this one, still holds it: an attempt Temporal replaced after a missed heartbeat may still
 * be reading, and two readers of one state would ship batches twice. A lock whose process is gone (a killed worker)
 * is taken over. Returns the release.
 */
export async function takeAuditCollectorLock(directory: string): Promise<() => Promise<void>> {
  await mkdir(directory, { recursive: true });
  const file = path.join(directory, 'collector.lock');
  const token = randomBytes(8).toString('hex');
  for (let attempt = 0; attempt < 2; attempt++) {
    // Written aside and hard-linked into place: the lock never exists without its holder in it.
    const aside = `${file}.${token}`;
    await writeFile(aside, JSON.stringify({ pid: process.pid, token }));
    try {
      await link(aside, file);
      return async () => {
        const held = await readHolder(file);
        if (held?.token === token) await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await rm(aside, { force: true });
    }
    const holder = await readHolder(file);
    if (holder !== undefined && (holder.pid === process.pid || processAlive(holder.pid))) {
      throw new DbarchError('DBA_AUDIT_BUSY', `another collector (pid ${holder.pid}) still runs on ${directory}`, { details: { pid: holder.pid } });
    }
    await rm(file, { force: true }); // its process is gone: a killed worker's
  }
  throw new DbarchError('DBA_AUDIT_BUSY', `${file} was taken again while this collector took it over`);
}

async function readHolder(file: string): Promise<{ pid: number; token: string } | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { pid?: unknown; token?: unknown };
    return typeof parsed.pid === 'number' && typeof parsed.token === 'string' ? { pid: parsed.pid, token: parsed.token } : undefined;
  } catch {
    return undefined;
  }
}
