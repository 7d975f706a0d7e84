import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of the host: configuration, services, the Temporal server, the CLI. */
export const foundationCodes = defineCodes({
  DBA_USAGE: {
    summary: 'The command line was not understood (unknown verb or flag, missing argument).',
    hint: 'Run `dbarch help` or `dbarch <verb> --help` for the accepted arguments.',
    retryable: false,
  },
  DBA_CODEC_KEYS_INVALID: {
    summary: 'DBARCH_PAYLOAD_KEYS (the payload encryption keys) is not a list of `<id>:<32 bytes in base64>`, or the file it names cannot be read.',
    hint: 'Set DBARCH_PAYLOAD_KEYS to `k1:<base64 of 32 random bytes>` (newest first), or `file:/path` of a file holding that.',
    retryable: false,
  },
  DBA_CODEC_KEY_UNKNOWN: {
    summary: 'A payload in history is encrypted with a key this process does not hold, or does not authenticate with it.',
    hint: 'Keep retired keys after the active one in DBARCH_PAYLOAD_KEYS until no workflow history needs them.',
    retryable: false,
  },
  DBA_CONFIG_INVALID: {
    summary: 'An environment variable or option holds a value that cannot be used.',
    hint: 'Check the variable named in the message against the configuration table in the README.',
    retryable: false,
  },
  DBA_SERVICE_UNREACHABLE: {
    summary: 'A service the product needs (PostgreSQL, Redis, RabbitMQ) did not answer.',
    hint: 'Start the service or point the named environment variable at one that runs; the message gives the URL tried and how to start it.',
    retryable: true,
  },
  DBA_TEMPORAL_CLI_MISSING: {
    summary: 'No Temporal CLI was found to run the embedded development server, and none could be built or downloaded.',
    hint: 'Install Go and run `go install github.com/temporalio/cli/cmd/temporal@v1.5.1`, set TEMPORAL_CLI_PATH, or set TEMPORAL_ADDRESS to use an existing cluster.',
    retryable: false,
  },
  DBA_TEMPORAL_UNREACHABLE: {
    summary: 'The Temporal server could not be started or reached.',
    hint: 'Check TEMPORAL_ADDRESS (and TLS or API key settings), or that the embedded server ports are free.',
    retryable: true,
  },
  DBA_TEMPORAL_SEARCH_ATTRIBUTES_MISSING: {
    summary: 'The Temporal namespace lacks search attributes dbarch needs (DbarchEnvironment, DbarchOperation, DbarchSpecRevision, DbarchAwaitingApproval), and they could not be added here.',
    hint: 'Run `dbarch temporal setup` with operator rights on the cluster, or create the attributes named in the message with `temporal operator search-attribute create --name <name> --type <type>` (on Temporal Cloud, in the namespace settings).',
    retryable: false,
  },
  DBA_INTERNAL: {
    summary: 'An unexpected internal error; this is a bug in dbarch.',
    hint: 'Re-run with DBARCH_DEBUG=1 for the stack trace and report it.',
    retryable: false,
  },
});
