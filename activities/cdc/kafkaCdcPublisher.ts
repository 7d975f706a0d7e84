import kafkajs from 'kafkajs';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { CdcMessage, CdcPublisher } from './CdcPublisher.ts';

const { Kafka, logLevel } = kafkajs;

/** A kafkajs client that logs nothing itself (its errors reach us as rejections) and fails fast when the broker is away. */
export function cdcKafka(brokers: readonly string[]): kafkajs.Kafka {
  return new Kafka({ clientId: 'dbarch-cdc', brokers: [...brokers], logLevel: logLevel.NOTHING, connectionTimeout: 3000, retry: { retries: 2, initialRetryTime: 200 } });
}

/**
 * Kafka: changes are sent in batches, one request at a time (so one table's events keep their order in its
 * partition), acks = all; a change's promise settles when the batch holding it was acknowledged. While one
 * batch is in flight the next one gathers, which is the window. Key = the row's key, so a row stays in one partition.
 */
export async function kafkaCdcPublisher(brokers: readonly string[]): Promise<CdcPublisher> {
  const producer = cdcKafka(brokers).producer({ allowAutoTopicCreation: true, idempotent: false, maxInFlightRequests: 1 });
  try {
    await producer.connect();
  } catch (error) {
    throw new DbarchError('DBA_CDC_BROKER_UNREACHABLE', `the Kafka broker ${brokers.join(',')} did not answer: ${(error as Error).message}`, { cause: error });
  }
  let fail: (error: unknown) => void = () => undefined;
  const broken = new Promise<never>((_, reject) => {
    fail = reject;
  });
  broken.catch(() => undefined);
  let queued: { message: CdcMessage; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let sending = false;
  const flush = async () => {
    if (sending || queued.length === 0) return;
    sending = true;
    const batch = queued;
    queued = [];
    const byTopic = new Map<string, kafkajs.Message[]>();
    for (const { message } of batch) {
      const list = byTopic.get(message.topic) ?? [];
      list.push({ key: message.headers['x-dbarch-key'] ?? null, value: JSON.stringify(message.event), headers: { ...message.headers, 'x-dbarch-message-id': message.messageId } });
      byTopic.set(message.topic, list);
    }
    try {
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      for (const entry of batch) entry.resolve();
    } catch (error) {
      const coded = new DbarchError('DBA_CDC_BROKER_UNREACHABLE', `the Kafka broker did not acknowledge ${batch.length} change(s): ${(error as Error).message}`, { cause: error });
      for (const entry of batch) entry.reject(coded);
      fail(coded);
    } finally {
      sending = false;
    }
    void flush();
  };
  return {
    broken,
    publish(message) {
      return new Promise<void>((resolve, reject) => {
        queued.push({ message, resolve, reject });
        queueMicrotask(() => void flush());
      });
    },
    async close() {
      await producer.disconnect().catch(() => undefined);
    },
  };
}
