import { randomBytes } from 'node:crypto';
import { DbarchError } from '../../errors/DbarchError.ts';
import { classifyAmqpError } from './classifyAmqpError.ts';
import { connectAmqp } from './connectAmqp.ts';
import { builtinExchangeTypes } from './QueueTopology.ts';

/**
 * Refuses exchange types the broker does not have before anything is declared. RabbitMQ answers an unknown type
 * with 503 COMMAND_INVALID, which closes the whole connection, so each type is tried on a throwaway connection
 * with a throwaway exchange (auto-delete, deleted right away).
 */
export async function probeExchangeTypes(url: string, types: readonly string[]): Promise<void> {
  const unknown: string[] = [];
  for (const type of new Set(types)) {
    if (builtinExchangeTypes.includes(type)) continue;
    const connection = await connectAmqp(url);
    let closedWith: unknown;
    connection.on('error', (error: unknown) => {
      closedWith = error;
    });
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      const probe = `dbarch.probe.${randomBytes(6).toString('hex')}`;
      await channel.assertExchange(probe, type, { durable: false, autoDelete: true });
      await channel.deleteExchange(probe);
    } catch (error) {
      // amqplib rejects the declare with "channel ended"; the reason is the connection's close, which came first.
      if (classifyAmqpError(closedWith ?? error).category !== 'command_invalid') throw error;
      unknown.push(type);
    } finally {
      await connection.close().catch(() => undefined);
    }
  }
  if (unknown.length > 0) {
    throw new DbarchError('DBA_QUEUE_EXCHANGE_TYPE', `RabbitMQ has no exchange type ${unknown.map((t) => `"${t}"`).join(', ')}`, { details: { types: unknown } });
  }
}
