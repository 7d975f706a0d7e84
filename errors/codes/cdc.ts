import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of the cdc capability: change data capture from a logical replication slot dbarch creates and owns. */
export const cdcCodes = defineCodes({
  DBA_CDC_INPUT: {
    summary: 'The CDC input is incomplete or inconsistent (no cdc_config, no database to capture, topics that do not pair with tables, an unsupported connector or target).',
    hint: 'Give cdc_config a `database:` (or pass --database), one topic per table in `topics`, and `connector: pgoutput` (dbarch\'s own reader); the message names the field.',
    retryable: false,
  },
  DBA_CDC_TABLE_MISSING: {
    summary: 'A table listed in cdc_config.tables does not exist in the captured database; nothing was created.',
    hint: 'Check the table name (schema-qualify it as `schema.table` if it is not in `public`) and that its migration ran before CDC starts.',
    retryable: false,
  },
  DBA_CDC_NO_REPLICA_IDENTITY: {
    summary: 'A captured table has no replica identity (no primary key, or REPLICA IDENTITY NOTHING): once published, its UPDATEs and DELETEs would fail; nothing was created.',
    hint: 'Add a primary key, or run `ALTER TABLE <table> REPLICA IDENTITY FULL` (before images of every column, more WAL), then start CDC again.',
    retryable: false,
  },
  DBA_CDC_SLOT_FOREIGN: {
    summary: 'The replication slot or publication named in cdc_config exists but was not created by dbarch\'s CDC (another consumer, subscription or tool owns it); nothing was changed.',
    hint: 'Pick another `slot_name`/`publication` in cdc_config; never share a slot: two readers of one slot lose each other\'s changes.',
    retryable: false,
  },
  DBA_CDC_WAL_LEVEL: {
    summary: 'The captured server does not run with wal_level = logical, so no logical replication slot can be created.',
    hint: 'Set `wal_level = logical` (ALTER SYSTEM SET wal_level = logical) and restart PostgreSQL; managed clusters take it from their settings.',
    retryable: false,
  },
  DBA_CDC_SLOT_KEEP_UNBOUNDED: {
    summary: 'max_slot_wal_keep_size is -1 (unbounded) on the captured server: a stalled CDC reader pins WAL until the disk fills (warning).',
    hint: 'Pass a limit (`dbarch cdc start --max-slot-wal-keep-size 10GB`, which applies it with ALTER SYSTEM), or set it yourself; a slot past the limit is invalidated and CDC must be restarted from a new snapshot.',
    retryable: false,
  },
  DBA_CDC_SLOT_MISSING: {
    summary: 'The CDC replication slot does not exist (never created, dropped, or invalidated after passing max_slot_wal_keep_size).',
    hint: 'Start CDC with `dbarch cdc start <spec>`, which creates it; changes made while no slot existed are not captured.',
    retryable: false,
  },
  DBA_CDC_SLOT_LOST: {
    summary: 'PostgreSQL invalidated the CDC slot (wal_status lost: it fell further behind than max_slot_wal_keep_size); changes since are gone from WAL.',
    hint: 'Drop the slot (`dbarch cdc drop-slot <spec>`), start CDC again and rebuild consumers from a snapshot of the tables.',
    retryable: false,
  },
  DBA_CDC_DATABASE_UNREACHABLE: {
    summary: 'The captured database did not answer, or the replication connection broke while streaming; CDC resumes from the slot.',
    hint: 'Check the connection and that the server runs; the stream is retried and resumes from the last confirmed LSN.',
    retryable: true,
  },
  DBA_CDC_DATABASE_REFUSED: {
    summary: 'The captured database refused CDC for a lasting reason (authentication, missing REPLICATION privilege, no such database).',
    hint: 'The CDC role needs LOGIN and REPLICATION (or superuser) and pg_hba.conf must allow it to connect to the database.',
    retryable: false,
  },
  DBA_CDC_BROKER_UNREACHABLE: {
    summary: 'The Kafka broker of publish_to: kafka did not answer or failed to acknowledge a produce; checked before anything is created, retried while streaming.',
    hint: 'Check KAFKA_BROKERS (host:port, comma-separated) and that the broker runs.',
    retryable: true,
  },
  DBA_CDC_DROP_NOT_APPROVED: {
    summary: '`dbarch cdc drop-slot` was refused: dropping the slot loses every change not yet published, so it needs an approval.',
    hint: 'Drop it through `dbarch cdc drop-slot <spec>` (an approval gate; `--approve` in unprotected environments) after checking `dbarch cdc status`: the unpublished lag is lost.',
    retryable: false,
  },
  DBA_CDC_DROP_PROTECTED: {
    summary: '`dbarch cdc drop-slot --approve` was refused: the environment is protected, so its CDC slot is dropped only through the approval gate of dbarch/cdc_drop_slot.',
    hint: 'Run `dbarch cdc drop-slot <spec> --env <name>` without --approve and approve its gate (`dbarch approve`, or the Temporal UI).',
    retryable: false,
  },
  DBA_CDC_SLOT_ACTIVE: {
    summary: 'The CDC slot is in use by a running reader, so it cannot be dropped.',
    hint: 'Stop the stream first: `dbarch cancel cdc:<database>`, then drop the slot.',
    retryable: true,
  },
});
