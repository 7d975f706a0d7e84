import type { Channel, ChannelModel } from 'amqplib';

/**
 * Runs `fn` on a channel of its own: a passive declare of a missing name (404) or a declare with other arguments
 * (406) closes the channel it was sent on, so every probe gets a fresh one and the others keep theirs.
 */
export async function withChannel<T>(connection: ChannelModel, fn: (channel: Channel) => Promise<T>): Promise<T> {
  const channel = await connection.createChannel();
  let open = true;
  channel.on('error', () => undefined);
  channel.on('close', () => {
    open = false;
  });
  try {
    return await fn(channel);
  } finally {
    if (open) await channel.close().catch(() => undefined);
  }
}
