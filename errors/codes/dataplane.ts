import { defineCodes } from './ErrorCodeInfo.ts';

/**
 * Codes of the data plane: the DatabaseClient library (DBA_CLIENT_*, DBA_POOL_*), queries it ran, mapped from
 * their SQLSTATE class (DBA_QUERY_*), and the HTTP gateway (DBA_GATEWAY_*).
 */
export const dataPlaneCodes = defineCodes({
  DBA_CLIENT_CONFIG: {
    summary: 'The spec does not give the client what it needs: an unknown service or route, no endpoints, or a credential reference that does not resolve.',
    hint: 'Check the service name against service_mesh.database_services (or the route against gateway_config.database_routing) and the env references the message names.',
    retryable: false,
  },
  DBA_CLIENT_TLS: {
    summary: 'The TLS handshake with the servers failed: their certificate does not chain to the configured CA or does not name the host (verify-full), or no protocol version or suite was agreed.',
    hint: 'Check service_mesh.mtls.ca against the internal CA (`dbarch tls status`), the host the spec names against the certificate, and security_config.encryption.in_transit; the details carry the TLS error code.',
    retryable: false,
  },
  DBA_CLIENT_CLOSED: {
    summary: 'The client was closed; it runs no more queries.',
    hint: 'Create a new DatabaseClient, or stop calling it after close().',
    retryable: false,
  },
  DBA_CLIENT_UNAVAILABLE: {
    summary: 'No endpoint can take the query: no primary was found, or every candidate is down or has its circuit breaker open.',
    hint: 'The details list each endpoint with its role, health and breaker state; check that the servers run and accept connections.',
    retryable: true,
  },
  DBA_CLIENT_COMMIT_UNKNOWN: {
    summary: 'The connection to the primary broke after the statement was sent, so whether it committed is unknown. It was not retried.',
    hint: 'Read back what the statement would have written before running it again, or make the write idempotent (a unique key, ON CONFLICT DO NOTHING).',
    retryable: false,
  },
  DBA_POOL_EXHAUSTED: {
    summary: 'No connection of the pool became free within the acquire timeout.',
    hint: 'Raise connection_pool.max (or connectionPoolSize), shorten the queries holding connections, or raise acquire_timeout.',
    retryable: true,
  },
  DBA_QUERY_TIMEOUT: {
    summary: 'The statement ran longer than the route\'s query timeout (statement_timeout) and was cancelled.',
    hint: 'Make the query cheaper (an index, a LIMIT), or raise query_timeout for the route.',
    retryable: false,
  },
  DBA_QUERY_SYNTAX: {
    summary: 'PostgreSQL refused the statement as written (SQLSTATE class 42: syntax error or access rule violation).',
    hint: 'Fix the SQL; the details carry the SQLSTATE and the position PostgreSQL reported.',
    retryable: false,
  },
  DBA_QUERY_UNDEFINED_OBJECT: {
    summary: 'The statement names a table, column, function or schema that does not exist.',
    hint: 'Check the name and that the migration creating it has run on this database.',
    retryable: false,
  },
  DBA_QUERY_PRIVILEGE: {
    summary: 'The database role lacks a privilege the statement needs (SQLSTATE 42501).',
    hint: 'Grant the privilege to the role (security_config.authorization), or run the statement as a role that has it.',
    retryable: false,
  },
  DBA_QUERY_CONSTRAINT: {
    summary: 'The statement violated a constraint (SQLSTATE class 23: unique, foreign key, not null, check).',
    hint: 'The details name the constraint; change the data or handle the conflict (ON CONFLICT).',
    retryable: false,
  },
  DBA_QUERY_DATA: {
    summary: 'A value is not valid for its type (SQLSTATE class 22: bad input syntax, out of range, division by zero).',
    hint: 'Check the parameters against the column types.',
    retryable: false,
  },
  DBA_QUERY_READ_ONLY: {
    summary: 'A write was sent to a read-only transaction or a replica (SQLSTATE 25006).',
    hint: 'Send writes with readPreference primary (gateway: mode write).',
    retryable: false,
  },
  DBA_QUERY_CONFLICT: {
    summary: 'The transaction was rolled back by a serialization failure, a deadlock or a lock timeout (SQLSTATE 40001, 40P01, 55P03).',
    hint: 'Run the transaction again; single statements are retried by the client already.',
    retryable: true,
  },
  DBA_QUERY_CONNECTION: {
    summary: 'The connection to the database failed or was closed by the server (SQLSTATE class 08, 57P01–57P05, or a socket error).',
    hint: 'Check that the endpoint named in the details runs; reads and unsent statements are retried on another connection.',
    retryable: true,
  },
  DBA_QUERY_RESOURCES: {
    summary: 'The server ran out of a resource (SQLSTATE class 53: too many connections, out of memory, disk full).',
    hint: 'Lower the pools\' max against max_connections, or free the resource the message names.',
    retryable: true,
  },
  DBA_QUERY_FAILED: {
    summary: 'PostgreSQL reported an error not covered by a more specific code.',
    hint: 'The details carry the SQLSTATE; look it up in appendix A of the PostgreSQL manual.',
    retryable: false,
  },
  DBA_SPEC_GATEWAY_JWT_KEY: {
    summary: 'gateway_config.authentication.jwt gives neither or both of jwks_url and public_key.',
    hint: 'Give `jwks_url` (keys fetched and cached) or `public_key` (one PEM key, as a reference), not both.',
    retryable: false,
  },
  DBA_GATEWAY_UNAUTHENTICATED: {
    summary: 'The request has no valid bearer JWT: missing, malformed, expired, signed by an unknown key, or for another issuer or audience.',
    hint: 'Send `Authorization: Bearer <jwt>` issued by the issuer and for the audience in gateway_config.authentication.jwt; details.reason says which check failed.',
    retryable: false,
  },
  DBA_GATEWAY_FORBIDDEN: {
    summary: 'The caller is authenticated but its service or roles may not query that database in that mode.',
    hint: 'Check the route for the service claim and the roles in gateway_config.authorization.',
    retryable: false,
  },
  DBA_GATEWAY_RATE_LIMITED: {
    summary: 'The route\'s rate limit is used up for now.',
    hint: 'Wait the Retry-After seconds, or raise the route\'s rate_limit.',
    retryable: true,
  },
  DBA_GATEWAY_BAD_REQUEST: {
    summary: 'The request is not a query the gateway can run: malformed JSON, a body over 1 MiB, or fields missing or of the wrong type.',
    hint: 'POST /api/v1/query takes JSON `{ "sql": "...", "params": [...], "mode": "read" | "write" }`; details say what is wrong.',
    retryable: false,
  },
  DBA_GATEWAY_NOT_FOUND: {
    summary: 'No such gateway endpoint.',
    hint: 'The gateway serves POST /api/v1/query, GET /health and GET /metrics.',
    retryable: false,
  },
  DBA_GATEWAY_CONFIG: {
    summary: 'The spec cannot run a gateway: no gateway_config, no authentication section, or a reference that does not resolve.',
    hint: 'Add gateway_config.authentication.jwt (issuer, audience, jwks_url or public_key) and check the env references named.',
    retryable: false,
  },
  DBA_GATEWAY_LISTEN_FAILED: {
    summary: 'The gateway could not listen on its host and port.',
    hint: 'Another process may hold the port; pass another --port or stop it.',
    retryable: false,
  },
});
