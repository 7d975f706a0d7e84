import { Type, type Static } from '@sinclair/typebox';
import type { DbarchError } from '../errors/DbarchError.ts';

/** What every error answer carries: the stable dbarch code, the message and a hint; `details` for client errors. */
export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    hint: Type.String(),
    details: Type.Optional(Type.Object({}, { additionalProperties: true })),
  }),
});
export type ErrorBody = Static<typeof ErrorBody>;

/** The body for a coded error. Details (e.g. every spec issue) are shown to clients only for their own mistakes. */
export function errorBody(error: DbarchError, withDetails: boolean): ErrorBody {
  const details = withDetails && Object.keys(error.details).length > 0 ? { details: error.details } : {};
  return { error: { code: error.code, message: error.message, hint: error.hint, ...details } };
}
