import { sendWebhook, type WebhookStepInput, type WebhookStepOutput } from '../../activities/builtin/sendWebhook.ts';
import type { StepDefinition } from '../definePlugin.ts';

/** `builtin/webhook`: one HTTP request, with an Idempotency-Key equal for every attempt of the step. */
export function webhookStep(): StepDefinition<WebhookStepInput, WebhookStepOutput> {
  return {
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: { type: 'string', minLength: 1 },
        method: { enum: ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] },
        headers: { type: 'object', additionalProperties: { type: 'string' } },
        body: {},
      },
    },
    describe: (input) => `call webhook ${input.method ?? 'POST'} ${input.url}`,
    defaults: { timeout: '1m', retry: { attempts: 5, initialInterval: '2s', nonRetryable: ['DBA_STEP_WEBHOOK'] } },
    run: (input, ctx) => sendWebhook(input, ctx),
  };
}
