import { definePlugin } from '../definePlugin.ts';
import { hostVersion } from '../hostVersion.ts';
import { notifyStep } from './notifyStep.ts';
import { sqlStep } from './sqlStep.ts';
import { webhookStep } from './webhookStep.ts';

/**
 * The built-in steps, on the same contract third-party plugins use. `builtin/wait` is not here: waiting is a
 * durable timer in the workflow, and the planner turns it into a timer node.
 */
export const builtinPlugin = definePlugin({
  name: 'builtin',
  version: hostVersion,
  host: '*',
  description: 'Steps every procedure can use: run SQL on a named database, call a webhook, notify people.',
  steps: (deps) => ({ sql: sqlStep(deps), webhook: webhookStep(), notify: notifyStep(deps) }),
});
