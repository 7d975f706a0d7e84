import type { ActivityDeps } from '../ActivityDeps.ts';
import type { StepExecution } from '../StepExecution.ts';
import { sendWebhook } from './sendWebhook.ts';

export interface NotifyStepInput {
  readonly message: string;
  readonly level?: 'info' | 'warn' | 'error';
  /** A chat webhook (Slack/Mattermost style, `{ "text": … }`); may be a `${ENV}` reference. Without it: the log only. */
  readonly webhook?: string;
}

export interface NotifyStepOutput {
  readonly delivered: readonly ('log' | 'webhook')[];
}

/** Tells people something (the engine of `builtin/notify`): the worker log, and a chat webhook when one is given. */
export async function notifyPeople(deps: ActivityDeps, input: NotifyStepInput, ctx: StepExecution): Promise<NotifyStepOutput> {
  deps.log[input.level ?? 'info']({ notification: true, workflowId: ctx.workflowId, step: ctx.stepId, environment: ctx.environment }, input.message);
  if (input.webhook === undefined) return { delivered: ['log'] };
  await sendWebhook({ url: input.webhook, body: { text: input.message } }, ctx);
  return { delivered: ['log', 'webhook'] };
}
