import type { SectionCheckContext } from '../../SectionDefinition.ts';
import { checkStepList } from '../checkStepList.ts';
import { checkDatabaseReference } from '../clusters/checkDatabaseReference.ts';
import type { FailoverProcedure } from './schema.ts';

export function checkFailoverProcedure(procedure: FailoverProcedure, ctx: SectionCheckContext): void {
  if (typeof procedure === 'string' || Array.isArray(procedure)) {
    checkStepList(ctx, [], procedure);
    return;
  }
  checkStepList(ctx, ['steps'], procedure.steps);
  if (procedure.cluster !== undefined) checkDatabaseReference(ctx, { cluster: procedure.cluster }, ['cluster'], ['cluster']);
}
