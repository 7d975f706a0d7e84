import type { SectionCheckContext } from '../../SectionDefinition.ts';
import { checkStepList } from '../checkStepList.ts';
import { checkDatabaseReference } from '../clusters/checkDatabaseReference.ts';
import type { BlueGreen } from './schema.ts';

export function checkBlueGreen(config: BlueGreen, ctx: SectionCheckContext): void {
  // The same name is only the same database when both live on one server.
  const standbyElsewhere = config.connections?.standby !== undefined && config.connections.standby !== config.connections.current;
  if (config.current === config.standby && !standbyElsewhere) {
    ctx.error(['standby'], 'DBA_SPEC_BLUE_GREEN_SAME', `\`current\` and \`standby\` are both \`${config.current}\``);
  }
  checkDatabaseReference(ctx, { cluster: config.cluster, database: config.current }, ['cluster'], ['current']);
  if (!standbyElsewhere) checkDatabaseReference(ctx, { cluster: config.cluster, database: config.standby }, ['cluster'], ['standby']);
  checkStepList(ctx, ['deployment_steps'], config.deployment_steps);
}
