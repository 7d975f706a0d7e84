import { ApplicationFailure } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { isDbarchError } from '../errors/DbarchError.ts';

/**
 * The one place where coded errors become Temporal failures: the failure type is the code (so retry policies
 * and callers match on it), permanent codes are non-retryable, and the details travel with the failure.
 */
export class ActivityErrorBoundary implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      return await next(input);
    } catch (error) {
      if (!isDbarchError(error)) throw error;
      throw ApplicationFailure.create({
        type: error.code,
        message: error.message,
        nonRetryable: !error.retryable,
        details: [{ code: error.code, hint: error.hint, ...error.details }],
        cause: error.cause instanceof Error ? error.cause : undefined,
      });
    }
  }
}
