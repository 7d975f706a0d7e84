import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { serviceUrls } from '../../runtime/serviceUrls.ts';

export interface TestRabbitmq {
  readonly connection: amqp.ChannelModel;
  readonly channel: amqp.Channel;
  /** A unique exchange or queue name for this test: `name('orders')` → `dbarch-test.<id>.orders`. */
  name(suffix: string): string;
  /** Deletes every exchange and queue made through `name()`, then closes the connection. */
  cleanup(): Promise<void>;
}

/** A RabbitMQ channel and a name space of one test's own (the broker's vhosts need the management API). */
export async function freshRabbitmq(label: string): Promise<TestRabbitmq> {
  const base = `dbarch-test.${label}.${randomBytes(4).toString('hex')}`;
  const connection = await amqp.connect(serviceUrls().rabbitmq);
  const channel = await connection.createChannel();
  // A channel the broker closes (404 on a missing queue) also rejects the call that caused it; without a
  // listener the 'error' event would crash the run instead.
  channel.on('error', () => undefined);
  connection.on('error', () => undefined);
  const names = new Set<string>();
  return {
    connection,
    channel,
    name(suffix) {
      const full = `${base}.${suffix}`;
      names.add(full);
      return full;
    },
    async cleanup() {
      for (const name of names) {
        await channel.deleteQueue(name);
        await channel.deleteExchange(name);
      }
      await connection.close();
    },
  };
}
