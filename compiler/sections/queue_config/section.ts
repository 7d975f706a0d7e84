import { defineSection } from '../../SectionDefinition.ts';
import { checkQueueConfig } from './checks.ts';
import { QueueConfigSchema } from './schema.ts';

export const queueConfigSection = defineSection({
  key: 'queue_config',
  title: 'Queue manager',
  description: 'RabbitMQ exchanges and queue bindings for database events, and the transactional outbox relay that publishes them.',
  schema: QueueConfigSchema,
  check: checkQueueConfig,
});
