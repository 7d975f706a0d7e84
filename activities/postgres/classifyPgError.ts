/** What kind of failure a PostgreSQL (or connection) error is, decided by SQLSTATE alone. */
export type PgErrorCategory =
  | 'connection'
  | 'lock_timeout'
  | 'deadlock'
  | 'serialization'
  | 'statement_timeout'
  | 'resources'
  | 'syntax'
  | 'undefined_object'
  | 'duplicate_object'
  | 'privilege'
  | 'constraint'
  | 'data'
  | 'transaction_state'
  | 'feature_not_supported'
  | 'object_state'
  | 'internal'
  | 'other';

export interface PgErrorClass {
  /** The five-character SQLSTATE, or null for errors that never reached the server (ECONNREFUSED …). */
  readonly sqlstate: string | null;
  readonly category: PgErrorCategory;
  /** Whether running the same migration again can succeed without changing it. */
  readonly retryable: boolean;
}

/** Exact SQLSTATEs that decide the category on their own (appendix A of the PostgreSQL manual). */
const exact: Record<string, [PgErrorCategory, boolean]> = {
  '40001': ['serialization', true],
  '40P01': ['deadlock', true],
  '55P03': ['lock_timeout', true],
  // query_canceled: statement_timeout, or a pg_cancel_backend. Callers that cancel their own statement on abort
  // (builtin/sql, the migration engine) know it was them and report the abort instead of a timeout.
  '57014': ['statement_timeout', false],
  '57P01': ['connection', true], // admin_shutdown
  '57P02': ['connection', true], // crash_shutdown
  '57P03': ['connection', true], // cannot_connect_now
  '57P05': ['connection', true], // idle_session_timeout
  '42601': ['syntax', false],
  '42501': ['privilege', false],
  '42P01': ['undefined_object', false],
  '42703': ['undefined_object', false],
  '42704': ['undefined_object', false],
  '42883': ['undefined_object', false],
  '3F000': ['undefined_object', false],
  '42P06': ['duplicate_object', false],
  '42P07': ['duplicate_object', false],
  '42701': ['duplicate_object', false],
  '42710': ['duplicate_object', false],
  '42723': ['duplicate_object', false],
  '25001': ['transaction_state', false], // active_sql_transaction: "cannot run inside a transaction block"
  '0A000': ['feature_not_supported', false],
};

/** Two-character SQLSTATE classes for everything not listed exactly. */
const byClass: Record<string, [PgErrorCategory, boolean]> = {
  '08': ['connection', true],
  '53': ['resources', true],
  '23': ['constraint', false],
  '22': ['data', false],
  '25': ['transaction_state', false],
  '42': ['syntax', false],
  '55': ['object_state', false],
  '40': ['serialization', true],
  XX: ['internal', false],
};

/** Socket-level failures (node error codes) mean the connection is gone: retry on a new one. */
const nodeConnectionCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

export function classifyPgError(error: unknown): PgErrorClass {
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : null;
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    const found = exact[code] ?? byClass[code.slice(0, 2)] ?? ['other', false];
    return { sqlstate: code, category: found[0], retryable: found[1] };
  }
  if (code && nodeConnectionCodes.has(code)) {
    return { sqlstate: null, category: 'connection', retryable: true };
  }
  return { sqlstate: null, category: 'other', retryable: false };
}
