import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AuditBatch } from './AuditBatch.ts';

/** One target's spool: a directory of batch files named by their sequence number, oldest first. */
export interface AuditSpool {
  readonly bytes: number;
  readonly batches: number;
  add(batch: AuditBatch): Promise<void>;
  /** The oldest batch, or undefined when the spool is empty. */
  oldest(): Promise<AuditBatch | undefined>;
  remove(seq: number): Promise<void>;
}

const fileName = (seq: number) => `${String(seq).padStart(12, '0')}.json`;

/**
 * Opens the spool in `directory`, dropping what a crash left half-done: temporary files, and batches at or past
 * `committedSeq` (spooled, but the state that would have moved the log position past them was never written, so
 * the same records are read and spooled again).
 */
export async function openAuditSpool(directory: string, committedSeq: number): Promise<AuditSpool> {
  await mkdir(directory, { recursive: true });
  const sizes = new Map<number, number>();
  for (const name of await readdir(directory)) {
    const seq = /^(\d{12})\.json$/.exec(name)?.[1];
    if (seq === undefined || Number(seq) >= committedSeq) {
      await rm(path.join(directory, name), { force: true });
      continue;
    }
    sizes.set(Number(seq), (await stat(path.join(directory, name))).size);
  }
  const total = () => [...sizes.values()].reduce((sum, size) => sum + size, 0);
  return {
    get bytes() {
      return total();
    },
    get batches() {
      return sizes.size;
    },
    async add(batch) {
      const body = JSON.stringify(batch);
      const target = path.join(directory, fileName(batch.seq));
      await writeFile(`${target}.tmp`, body);
      await rename(`${target}.tmp`, target);
      sizes.set(batch.seq, Buffer.byteLength(body));
    },
    async oldest() {
      const seq = Math.min(...sizes.keys());
      if (!Number.isFinite(seq)) return undefined;
      return JSON.parse(await readFile(path.join(directory, fileName(seq)), 'utf8')) as AuditBatch;
    },
    async remove(seq) {
      await rm(path.join(directory, fileName(seq)), { force: true });
      sizes.delete(seq);
    },
  };
}
