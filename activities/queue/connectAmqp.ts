import amqp, { type ChannelModel } from 'amqplib';
import { DbarchError } from '../../errors/DbarchError.ts';
import { redactUrl } from '../../runtime/redactUrl.ts';
import { classifyAmqpError } from './classifyAmqpError.ts';

/**
 * A connection of one operation's own (a reconcile, a relay attempt), so a connection-level error the broker sends
 * (503 on an unknown exchange type) or a restart ends that operation only. Errors are coded: a socket error is the
 * retryable DBA_QUEUE_UNREACHABLE; a handshake the broker ends (bad credentials, vhost) carries no reply code in
 * amqplib, and is DBA_QUEUE_REFUSED because the broker answered.
 */
export async function connectAmqp(url: string, options: { readonly heartbeatSeconds?: number } = {}): Promise<ChannelModel> {
  let connection: ChannelModel;
  try {
    connection = await amqp.connect(url, { timeout: 10_000, ...(options.heartbeatSeconds === undefined ? {} : { heartbeat: options.heartbeatSeconds }) });
  } catch (error) {
    const kind = classifyAmqpError(error);
    const where = redactUrl(url);
    if (kind.category === 'connection' || kind.retryable) throw new DbarchError('DBA_QUEUE_UNREACHABLE', `RabbitMQ at ${where} did not answer: ${(error as Error).message}`, { cause: error });
    throw new DbarchError('DBA_QUEUE_REFUSED', `RabbitMQ at ${where} refused the connection: ${(error as Error).message}`, { cause: error });
  }
  // Without a listener a connection the broker closes would crash the process; callers learn of it from the
  // operations it rejects, and may listen too.
  connection.on('error', () => undefined);
  return connection;
}
