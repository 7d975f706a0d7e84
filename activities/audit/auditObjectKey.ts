import type { AuditBatch } from './AuditBatch.ts';

/**
 * `audit/YYYY/MM/DD/<cluster>/<member>-<log file>-<offset>.ndjson`, dated by the batch's first event (UTC). The key
 * follows from where the batch is in the server log, so a batch sent again after a crash lands on the same key.
 */
export function auditObjectKey(batch: AuditBatch): string {
  const first = batch.events[0]?.time ?? new Date(0).toISOString();
  const [year, month, day] = first.slice(0, 10).split('-');
  const stem = batch.file.replace(/\.json$/, '');
  return `audit/${year}/${month}/${day}/${batch.cluster}/${batch.member}-${stem}-${String(batch.offset).padStart(12, '0')}.ndjson`;
}
