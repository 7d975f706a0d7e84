import { defineSection } from '../../SectionDefinition.ts';
import { checkCdcConfig } from './checks.ts';
import { CdcConfigSchema } from './schema.ts';

export const cdcConfigSection = defineSection({
  key: 'cdc_config',
  title: 'Change data capture',
  description: 'Tables whose row changes are streamed as events (Debezium or logical decoding) and where the events are published.',
  schema: CdcConfigSchema,
  check: checkCdcConfig,
});
