import type { SectionCheckContext } from '../../SectionDefinition.ts';
import { checkDatabaseReference } from '../clusters/checkDatabaseReference.ts';
import { queueConfigSection } from '../queue_config/section.ts';
import { reportDuplicates } from '../reportDuplicates.ts';
import type { CdcConfig } from './schema.ts';

export function checkCdcConfig(config: CdcConfig, ctx: SectionCheckContext): void {
  reportDuplicates(ctx, config.tables.map((t, i) => ({ value: t, path: ['tables', i] })), 'table');
  const topics = config.topics ?? [];
  reportDuplicates(ctx, topics.map((t, i) => ({ value: t, path: ['topics', i] })), 'topic');
  if (topics.length > 0 && topics.length !== config.tables.length) {
    ctx.warn(['topics'], 'DBA_SPEC_LENGTH', `${topics.length} topics for ${config.tables.length} tables; topics pair with tables by position`, 'list one topic per table, or none to use `database.<table>.changes`');
  }
  if (config.publish_to === 'rabbitmq' && ctx.section(queueConfigSection) === undefined) {
    ctx.error(['publish_to'], 'DBA_SPEC_UNKNOWN_REFERENCE', 'CDC publishes to rabbitmq but the spec has no valid `queue_config`', 'add a `queue_config` section with the exchange to publish to');
  }
  checkDatabaseReference(ctx, config, ['cluster'], ['database']);
}
