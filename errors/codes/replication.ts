import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of blue-green deployments: logical replication between two databases, and the routing switch. */
export const replicationCodes = defineCodes({
  DBA_REPLICATION_NAME_INVALID: {
    summary: 'A deployment name is not usable for publication, slot and subscription names.',
    hint: 'Use lower-case letters, digits and underscore, starting with a letter, at most 40 characters.',
    retryable: false,
  },
  DBA_REPLICATION_UNREACHABLE: {
    summary: 'The blue or green database did not answer.',
    hint: 'Check the URL named in the message and that the server runs; the step is retried.',
    retryable: true,
  },
  DBA_REPLICATION_REFUSED: {
    summary: 'The blue or green database refused the connection for a lasting reason (authentication, no such database, permission).',
    hint: 'Check the URL, the role and its privileges; creating publications, slots and subscriptions needs a superuser or a role with REPLICATION.',
    retryable: false,
  },
  DBA_REPLICATION_NOT_PREPARED: {
    summary: 'The deployment\'s subscription or slot does not exist, so there is nothing to wait for or verify.',
    hint: 'Run prepareGreen for this deployment name first.',
    retryable: false,
  },
  DBA_REPLICATION_WAL_LEVEL: {
    summary: 'The blue database runs with wal_level below logical, so it cannot publish changes.',
    hint: 'Set wal_level = logical (and max_replication_slots, max_wal_senders) on the blue cluster and restart it.',
    retryable: false,
  },
  DBA_REPLICATION_TABLE_MISSING: {
    summary: 'A table to replicate does not exist on blue, or has no counterpart on green.',
    hint: 'Migrate green first (it must hold every replicated table), and check the table names (schema.table).',
    retryable: false,
  },
  DBA_REPLICATION_CONFLICT: {
    summary: 'A publication, slot or subscription with the deployment\'s name exists but was made for something else.',
    hint: 'Retire the old deployment (retireBlue) or choose another deployment name.',
    retryable: false,
  },
  DBA_REPLICATION_SUBSCRIPTION_ERROR: {
    summary: 'The subscription on green reported apply or initial-sync errors (a conflict such as a duplicate key, or a missing column).',
    hint: 'Read the green server log for the failing change, fix green (schema, conflicting rows), then run the step again.',
    retryable: false,
  },
  DBA_REPLICATION_SCHEMA_INCOMPATIBLE: {
    summary: 'Green\'s schema cannot take blue\'s rows: a column is missing, has another type, or is NOT NULL without a default.',
    hint: 'The details list each problem; change green\'s migration so that it only adds nullable or defaulted columns.',
    retryable: false,
  },
  DBA_REPLICATION_VERIFY_ROWS: {
    summary: 'Row counts differ between blue and green after catching up.',
    hint: 'Pause writes to blue before verifying; the step is retried, and the details list the tables and counts.',
    retryable: true,
  },
  DBA_REPLICATION_ROUTING_CONFLICT: {
    summary: 'The routing row changed since the switch being reverted (or the expected version), so it was left alone.',
    hint: 'Read dbarch.routing and dbarch.routing_history for the current state and who changed it.',
    retryable: false,
  },
  DBA_REPLICATION_ROUTING_UNKNOWN: {
    summary: 'No routing row or switch history exists for the service and database given.',
    hint: 'Switch first (switchRouting), and check the service and database names.',
    retryable: false,
  },
});
