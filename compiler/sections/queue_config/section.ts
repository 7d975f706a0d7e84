import path from 'node:path';
import { defineSection } from '../../SectionDefinition.ts';
import { checkQueueConfig } from './checks.ts';
import { QueueConfigSchema } from './schema.ts';

export const queueConfigSection = defineSection({
  key: 'queue_config',
  title: 'Queue manager',
  description: 'RabbitMQ exchanges and queue bindings for database events, and the transactional outbox relay that publishes them.',
  schema: QueueConfigSchema,
  check: checkQueueConfig,
  resolve(config, ctx) {
    // The schemas folder is read where the spec is used (the outbox, tools): absolute, it needs no base.
    const schemas = config.outbox?.schemas;
    return schemas === undefined || config.outbox === undefined ? config : { ...config, outbox: { ...config.outbox, schemas: path.resolve(ctx.baseDir, schemas) } };
  },
});
