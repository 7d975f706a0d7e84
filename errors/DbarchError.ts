import { errorCodes, type ErrorCode } from './registry.ts';

export interface DbarchErrorOptions {
  /** Overrides the registry's generic hint with one specific to this occurrence. */
  hint?: string;
  cause?: unknown;
  /** Structured facts for JSON output and Temporal failure details (must be JSON-serialisable). */
  details?: Record<string, unknown>;
}

// Shared by every copy of this module in a process: tsx can load it twice (a CommonJS copy for what mocha
// requires, an ESM copy for what a dynamic import() loads), and an error from one copy must still be one.
const brand = Symbol.for('dbarch.DbarchError');

/** An error with a stable code from the registry: what users see as `code: message` plus a hint. */
export class DbarchError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }

  override readonly name = 'DbarchError';
  readonly code: ErrorCode;
  readonly hint: string;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: DbarchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint ?? errorCodes[code].hint;
    this.details = options.details ?? {};
    Object.defineProperty(this, brand, { value: true });
  }

  get retryable(): boolean {
    return errorCodes[this.code].retryable;
  }
}

export function isDbarchError(error: unknown): error is DbarchError {
  return error instanceof DbarchError;
}
