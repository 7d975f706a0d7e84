import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of the dbarch command talking to Temporal and of `dbarch serve`. */
export const cliCodes = defineCodes({
  DBA_WORKFLOW_NOT_FOUND: {
    summary: 'No workflow with this id exists in the namespace (a typo, another namespace, or its history was removed by retention).',
    hint: 'List workflows with `temporal workflow list` or in the Temporal Web UI (http://127.0.0.1:8233 under `dbarch dev`), and check TEMPORAL_NAMESPACE.',
    retryable: false,
  },
  DBA_WORKER_UNAVAILABLE: {
    summary: 'No worker answered for the workflow\'s task queue in time: queries and approval Updates are answered by a worker, not by the server.',
    hint: 'Start a worker on the task queue named in the message with `dbarch worker` or `dbarch dev`, then run the command again.',
    retryable: true,
  },
  DBA_SERVE_LISTEN_FAILED: {
    summary: '`dbarch serve` could not listen on the host and port asked for (the port is in use, privileged, or the address is not local).',
    hint: 'Stop what holds the port (`ss -ltnp` shows it) or pass another one with `--port`; ports under 1024 need privileges.',
    retryable: false,
  },
});
