import { parseDuration } from '../../grammar/parseDuration.ts';
import type { SectionCheckContext } from '../../SectionDefinition.ts';
import { checkStepList } from '../checkStepList.ts';
import { checkDatabaseReference } from '../clusters/checkDatabaseReference.ts';
import { proceduresSection } from '../procedures/section.ts';
import type { BlueGreen } from './schema.ts';

/** The rollback window written into procedures/blue_green.yaml (the seed's 24 hours). */
export const shippedRollbackWindowMs = 24 * 3_600_000;

export function checkBlueGreen(config: BlueGreen, ctx: SectionCheckContext): void {
  // The same name is only the same database when both live on one server.
  const standbyElsewhere = config.connections?.standby !== undefined && config.connections.standby !== config.connections.current;
  if (config.current === config.standby && !standbyElsewhere) {
    ctx.error(['standby'], 'DBA_SPEC_BLUE_GREEN_SAME', `\`current\` and \`standby\` are both \`${config.current}\``);
  }
  checkDatabaseReference(ctx, { cluster: config.cluster, database: config.current }, ['cluster'], ['current']);
  if (!standbyElsewhere) checkDatabaseReference(ctx, { cluster: config.cluster, database: config.standby }, ['cluster'], ['standby']);
  checkStepList(ctx, ['deployment_steps'], config.deployment_steps);
  // The gate's timeout is plan-time text of the procedure: only a fork of it can carry another window.
  const window = config.rollback_window === undefined ? undefined : parseDuration(config.rollback_window);
  const forked = ctx.section(proceduresSection)?.definitions?.blue_green !== undefined;
  if (window?.ok && window.value !== shippedRollbackWindowMs && !forked) {
    ctx.warn(['rollback_window'], 'DBA_BLUEGREEN_WINDOW_FIXED', `the shipped blue_green procedure keeps blue for 24h, not ${String(config.rollback_window)}`, 'fork procedures/blue_green.yaml into `procedures.definitions.blue_green` and set its rollback_window gate\'s timeout');
  }
}
