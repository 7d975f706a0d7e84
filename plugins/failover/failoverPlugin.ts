import { stepListProcedure } from '../../plan/stepListProcedure.ts';
import { definePlugin } from '../definePlugin.ts';
import { hostVersion } from '../hostVersion.ts';

/** Who confirms the manual steps of the spec's failover procedure, unless `procedures.roles` says otherwise. */
export const failoverOperatorsRole = 'failover_operators';

/**
 * The failover capability: reads `failover_procedure` and plans it as the spec's procedure `failover` (`dbarch
 * plan <spec> --env <name> --procedure failover`): the seed's prose steps are manual steps an operator confirms,
 * structured steps with `action:` run that capability's step. Detection, fencing and promotion steps of its own
 * come with the automatic-failover work; a spec can already name them by `action:` from any plugin.
 */
export const failoverPlugin = definePlugin({
  name: 'failover',
  version: hostVersion,
  host: '*',
  description: 'The spec\'s failover_procedure as a runnable procedure (`failover`).',
  reads: ['failover_procedure'],
  planning: {
    procedures: (sections) => {
      const section = sections.failover_procedure;
      // Compiled specs hold the mapping form with structured steps (prose was split into manual steps).
      if (section === undefined || typeof section !== 'object' || !('steps' in section) || typeof section.steps === 'string') return undefined;
      const at = ['failover_procedure', 'steps'];
      return {
        roles: { [failoverOperatorsRole]: ['dba'] },
        definitions: {
          failover: stepListProcedure(section.steps, { description: 'The spec\'s failover_procedure', operation: 'failover', role: failoverOperatorsRole, at }),
        },
      };
    },
  },
  steps: () => ({}),
});
