import { createHash } from 'node:crypto';

/**
 * The backup id of a step, from its idempotency key (stable across retries, worker crashes and continue-as-new,
 * unlike the activity id): a retried dump finds its earlier dump, and a restore finds the dump of its run.
 */
export function pipelineBackupId(idempotencyKey: string): string {
  const readable = (idempotencyKey.split(':')[0] ?? 'backup').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 60) || 'backup';
  return `${readable}-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16)}`;
}
