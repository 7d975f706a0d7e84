import { sendWebhook } from '../builtin/sendWebhook.ts';
import type { StepExecution } from '../StepExecution.ts';
import type { ClusterTopology } from '../topology/ClusterTopology.ts';

export interface FailoverAlertInput {
  /** Generic webhook (JSON event); may be a `${ENV}` reference. */
  readonly webhookUrl?: string;
  /** Slack incoming webhook (`{ text, blocks }`); may be a `${ENV}` reference. */
  readonly slackWebhookUrl?: string;
  readonly slackChannel?: string;
}

export interface FailoverAlert {
  readonly event: { readonly type: 'dbarch.failover'; readonly cluster: string; readonly primary: string; readonly fenced: readonly string[]; readonly epoch: number; readonly timeline: number | null; readonly workflowId: string; readonly at: string };
  readonly delivered: readonly ('log' | 'webhook' | 'slack')[];
}

/**
 * Tells the operations team: the worker log always, a generic webhook (the event as JSON) and Slack (a text
 * message) when configured. Each request carries the step's idempotency key, so a retry is one alert to a
 * receiver that honours it.
 */
export async function alertFailover(topology: ClusterTopology, input: FailoverAlertInput, exec: StepExecution): Promise<FailoverAlert> {
  const event = {
    type: 'dbarch.failover' as const,
    cluster: topology.cluster,
    primary: topology.primary.member,
    fenced: topology.fenced,
    epoch: topology.epoch,
    timeline: topology.timeline,
    workflowId: exec.workflowId,
    at: topology.updatedAt,
  };
  const text = `:rotating_light: dbarch failover on cluster *${event.cluster}*: ${event.primary} is the primary now (timeline ${event.timeline ?? '?'}, epoch ${event.epoch})${event.fenced.length > 0 ? `; fenced: ${event.fenced.join(', ')}` : ''}. Workflow ${event.workflowId}.`;
  exec.log.warn({ alert: true, ...event }, text);
  const delivered: FailoverAlert['delivered'][number][] = ['log'];
  if (input.webhookUrl !== undefined) {
    await sendWebhook({ url: input.webhookUrl, body: event }, exec);
    delivered.push('webhook');
  }
  if (input.slackWebhookUrl !== undefined) {
    await sendWebhook({ url: input.slackWebhookUrl, body: { text, ...(input.slackChannel === undefined ? {} : { channel: input.slackChannel }) } }, { ...exec, idempotencyKey: `${exec.idempotencyKey}:slack` });
    delivered.push('slack');
  }
  return { event, delivered };
}
