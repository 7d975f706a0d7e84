import type { Channel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';

function hasConfirms(channel: Channel): channel is ConfirmChannel {
  return typeof (channel as Partial<ConfirmChannel>).waitForConfirms === 'function';
}

/**
 * Publishes a copy of a delivered message (its body, message id and properties, the given headers added) and, on a
 * confirm channel, resolves once the broker has confirmed it, so the caller acknowledges the original only after
 * the copy is safe. On a plain channel the copy is sent but a broker crash before it is stored loses it.
 * `userId` is not copied: the broker checks it against the publishing connection's user.
 */
export function republish(channel: Channel, exchange: string, routingKey: string, message: ConsumeMessage, headers: Record<string, unknown>): Promise<void> {
  const p = message.properties;
  const options: Options.Publish = {
    headers: { ...(p.headers ?? {}), ...headers },
    ...(p.contentType === undefined ? {} : { contentType: p.contentType as string }),
    ...(p.contentEncoding === undefined ? {} : { contentEncoding: p.contentEncoding as string }),
    ...(p.deliveryMode === undefined ? {} : { deliveryMode: p.deliveryMode as number }),
    ...(p.priority === undefined ? {} : { priority: p.priority as number }),
    ...(p.correlationId === undefined ? {} : { correlationId: p.correlationId as string }),
    ...(p.replyTo === undefined ? {} : { replyTo: p.replyTo as string }),
    ...(p.expiration === undefined ? {} : { expiration: p.expiration as string }),
    ...(p.messageId === undefined ? {} : { messageId: p.messageId as string }),
    ...(p.timestamp === undefined ? {} : { timestamp: p.timestamp as number }),
    ...(p.type === undefined ? {} : { type: p.type as string }),
    ...(p.appId === undefined ? {} : { appId: p.appId as string }),
  };
  if (!hasConfirms(channel)) {
    channel.publish(exchange, routingKey, message.content, options);
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    channel.publish(exchange, routingKey, message.content, options, (error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()));
  });
}
