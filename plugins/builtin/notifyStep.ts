import { notifyPeople, type NotifyStepInput, type NotifyStepOutput } from '../../activities/builtin/notifyPeople.ts';
import type { StepDefinition } from '../definePlugin.ts';
import type { PluginDeps } from '../PluginDeps.ts';

/** `builtin/notify`: tells people something, in the worker log and optionally a chat webhook. */
export function notifyStep(deps: PluginDeps): StepDefinition<NotifyStepInput, NotifyStepOutput> {
  return {
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['message'],
      properties: { message: { type: 'string', minLength: 1 }, level: { enum: ['info', 'warn', 'error'] }, webhook: { type: 'string', minLength: 1 } },
    },
    describe: (input) => `notify${input.webhook === undefined ? '' : ' (webhook)'}: ${input.message}`,
    defaults: { timeout: '30s', retry: { attempts: 5, nonRetryable: ['DBA_STEP_WEBHOOK'] } },
    run: (input, ctx) => notifyPeople(deps, input, ctx),
  };
}
