import { DbarchError } from '../../errors/DbarchError.ts';
import type { ObjectStore } from '../backup/store/ObjectStore.ts';
import type { AuditTarget } from './AuditTarget.ts';
import { auditObjectKey } from './auditObjectKey.ts';

/**
 * Audit batches as dated NDJSON objects in an object store (s3:// through the backup capability's store). Put if
 * absent: an object already under the batch's key is the same batch sent before a crash, so it counts as shipped.
 */
export function s3AuditTarget(store: ObjectStore): AuditTarget {
  return {
    name: 's3',
    async send(batch, signal) {
      const body = batch.events.map((event) => JSON.stringify(event)).join('\n') + '\n';
      try {
        await store.put(auditObjectKey(batch), body, { ifAbsent: true, signal });
      } catch (error) {
        if (error instanceof DbarchError && error.code === 'DBA_BACKUP_OBJECT_EXISTS') return;
        throw error;
      }
    },
  };
}
