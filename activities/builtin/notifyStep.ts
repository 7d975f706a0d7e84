import type { StepDefinition } from '../../plugins/definePlugin.ts';
import type { PluginDeps } from '../../plugins/PluginDeps.ts';
import { sendRequest } from './webhookStep.ts';

export interface NotifyStepInput {
  readonly message: string;
  readonly level?: 'info' | 'warn' | 'error';
  /** A chat webhook (Slack/Mattermost style, `{ "text": … }`); may be a `${ENV}` reference. Without it: the log only. */
  readonly webhook?: string;
}

export interface NotifyStepOutput {
  readonly delivered: readonly ('log' | 'webhook')[];
}

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
    async run(input, ctx) {
      deps.log[input.level ?? 'info']({ notification: true, workflowId: ctx.workflowId, step: ctx.stepId, environment: ctx.environment }, input.message);
      if (input.webhook === undefined) return { delivered: ['log'] };
      await sendRequest({ url: input.webhook, body: { text: input.message } }, ctx);
      return { delivered: ['log', 'webhook'] };
    },
  };
}
