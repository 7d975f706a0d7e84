import { DbarchError } from '../../errors/DbarchError.ts';
import { classifyAmqpError } from './classifyAmqpError.ts';

/** An amqplib error as a coded error: the broker going away is retryable, a refusal is not; anything else is left as is. */
export function toQueueError(error: unknown, doing: string): unknown {
  if (error instanceof DbarchError) return error;
  const kind = classifyAmqpError(error);
  const message = error instanceof Error ? error.message : String(error);
  if (kind.category === 'connection') return new DbarchError('DBA_QUEUE_UNREACHABLE', `RabbitMQ went away while ${doing}: ${message}`, { cause: error });
  if (kind.category === 'access') return new DbarchError('DBA_QUEUE_REFUSED', `RabbitMQ refused ${doing}: ${message}`, { cause: error });
  return error;
}
