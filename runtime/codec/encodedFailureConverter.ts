import { DefaultFailureConverter } from '@temporalio/common';

/**
 * The failure converter of processes that encrypt payloads (loaded by path: workers bundle it into the workflow
 * sandbox, clients load it too). A failure's message and stack trace move into its encoded attributes, a payload,
 * so the payload codec encrypts them like any input or result: an error quoting a step's SQL or a value it read
 * (PostgreSQL's `invalid input syntax for type integer: "…"`) does not reach history in plain text. dbarch
 * clients decode them again; the Web UI does through the codec endpoint.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
