import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of the audit capability: the collector of a cluster's audit trail and the targets it ships to. */
export const auditCodes = defineCodes({
  DBA_AUDIT_INPUT: {
    summary: 'The audit collector cannot be started as asked: security_config.audit_logging is missing or disabled, a log target it names has no settings (s3.destination, splunk.url/token) or is not one the collector ships to, or a reference does not resolve.',
    hint: 'Enable security_config.audit_logging, add `s3: { destination }` and/or `splunk: { url, token }` for the targets in log_targets (the collector ships to s3 and splunk), and set the environment variables the references name on the worker.',
    retryable: false,
  },
  DBA_AUDIT_TARGET_FAILED: {
    summary: 'An audit target did not take a batch: the HEC endpoint did not answer or answered with an error, or the object store refused the put.',
    hint: 'The batch stays in the target\'s spool and is retried with backoff; check the target (HEC URL and token, the bucket and the worker\'s AWS keys). `dbarch audit --cluster <name> --status` shows the last error.',
    retryable: true,
  },
  DBA_AUDIT_BUSY: {
    summary: 'Another audit collector still runs on the same state directory (its collector.lock names a live process): an attempt that Temporal replaced, or a second collector pointed there.',
    hint: 'Retried until the other one stops. If it persists, look for the process the lock file names; give each cluster\'s collector its own directory.',
    retryable: true,
  },
  DBA_AUDIT_PGAUDIT_MISSING: {
    summary: 'security_config.audit_logging is enabled for a managed cluster, but the PostgreSQL server programs have no pgaudit library, so a member preloading it would not start.',
    hint: 'Install pgaudit 1.7 for PostgreSQL 15 (Debian: `apt-get install postgresql-15-pgaudit`), then run `dbarch cluster up` again; or disable audit_logging.',
    retryable: false,
  },
  DBA_AUDIT_STATE_INVALID: {
    summary: 'The audit collector\'s state file (state.json in its directory) is not JSON or is another cluster\'s.',
    hint: 'Point each cluster\'s collector at its own directory. A corrupt state file can be removed: the collector then reads the kept server logs from their oldest file again (targets may receive earlier events twice).',
    retryable: false,
  },
});
