import { DbarchError } from '../../errors/DbarchError.ts';
import { connectAmqp } from '../queue/connectAmqp.ts';
import type { CdcOptions } from './CdcOptions.ts';
import { cdcKafka } from './kafkaCdcPublisher.ts';

/** Checks that the target broker answers before anything is created (coded errors: unreachable, refused, unset). */
export async function probeCdcBroker(options: Pick<CdcOptions, 'publishTo' | 'amqpUrl' | 'kafkaBrokers'>): Promise<void> {
  if (options.publishTo === 'rabbitmq') {
    if (options.amqpUrl === undefined) throw new DbarchError('DBA_CDC_INPUT', 'publish_to: rabbitmq needs a broker URL (queue_config.url or AMQP_URL)');
    const connection = await connectAmqp(options.amqpUrl);
    await connection.close().catch(() => undefined);
    return;
  }
  const brokers = options.kafkaBrokers ?? [];
  if (brokers.length === 0) throw new DbarchError('DBA_CDC_INPUT', 'publish_to: kafka needs brokers (KAFKA_BROKERS, host:port[,host:port])');
  const admin = cdcKafka(brokers).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    throw new DbarchError('DBA_CDC_BROKER_UNREACHABLE', `the Kafka broker ${brokers.join(',')} did not answer: ${(error as Error).message}`, { cause: error });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
