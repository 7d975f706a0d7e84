import { DbarchError, isDbarchError } from '../../errors/DbarchError.ts';
import type { ErrorCode } from '../../errors/registry.ts';
import { classifyPgError } from '../postgres/classifyPgError.ts';
import type { PlaceholderSpan } from './substitutePlaceholders.ts';
import { sourceOffset } from './substitutePlaceholders.ts';
import { textPosition } from './textPosition.ts';

/** Where a failing query came from, so the error can name the file, line and column. */
export interface FailureContext {
  readonly script: string;
  readonly version: string | null;
  /** The file as written (positions are reported against it). */
  readonly fileSql: string;
  readonly spans: readonly PlaceholderSpan[];
  /** Offset in the substituted SQL of character 0 of the query sent (negative when a prefix was sent first). */
  readonly queryOrigin: number;
  /** Offset in the substituted SQL used when the server gives no position (the failing statement's start). */
  readonly fallbackOffset: number;
  /** Scripts applied in this run before the failure, for the report. */
  readonly applied: readonly string[];
  /** The session's socket closed: the failure is a lost connection whatever the error says. */
  readonly connectionLost: boolean;
}

/** Turns a pg or socket error into the coded error of the registry, classified by SQLSTATE. */
export function toMigrationError(error: unknown, context: FailureContext | null, connectionLost = false): DbarchError {
  if (isDbarchError(error)) return error;
  const classified = classifyPgError(error);
  const category = (context?.connectionLost ?? connectionLost) && classified.sqlstate === null ? 'connection' : classified.category;
  const retryable = category === 'connection' ? true : classified.retryable;
  const code: ErrorCode =
    category === 'lock_timeout'
      ? 'DBA_MIGRATION_LOCK_TIMEOUT'
      : category === 'statement_timeout'
        ? 'DBA_MIGRATION_STATEMENT_TIMEOUT'
        : retryable
          ? 'DBA_MIGRATION_TRANSIENT'
          : 'DBA_MIGRATION_FAILED';
  const pgError = error as { message?: string; position?: string; detail?: string; hint?: string; where?: string };
  const message = pgError.message ?? String(error);
  if (!context) {
    return new DbarchError(code, `${message}${classified.sqlstate ? ` (SQLSTATE ${classified.sqlstate})` : ''}`, {
      cause: error,
      details: { sqlstate: classified.sqlstate, category },
    });
  }
  const serverPosition = pgError.position ? Number(pgError.position) - 1 : null;
  const substituted = serverPosition === null ? context.fallbackOffset : context.queryOrigin + serverPosition;
  const { line, column } = textPosition(context.fileSql, sourceOffset(context.spans, Math.max(0, substituted)));
  return new DbarchError(
    code,
    `${context.script}:${line}:${column}: ${message}${classified.sqlstate ? ` (SQLSTATE ${classified.sqlstate})` : ''}`,
    {
      cause: error,
      details: {
        script: context.script,
        version: context.version,
        line,
        column,
        sqlstate: classified.sqlstate,
        category,
        detail: pgError.detail ?? null,
        serverHint: pgError.hint ?? null,
        where: pgError.where ?? null,
        appliedBeforeFailure: context.applied,
      },
    },
  );
}
