import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { DbarchError } from '../../errors/DbarchError.ts';
import { decodeHistory } from '../../runtime/codec/decodeHistory.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch history <workflow-id> [--format text|json]

A readable timeline of the workflow's history: steps started, retried, completed or failed, approvals and
rejections (who, comment, plan hash), timers, cancellation and the end. JSON: a list of {time, event, detail}.`;

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export function run(argv: string[]): Promise<number> {
  return runVerb({ name: 'history', help, options: {}, example: 'dbarch history <workflow-id>' }, argv, async ({ positionals, format }) => {
    const workflowId = positionals[0];
    if (!workflowId) throw new DbarchError('DBA_USAGE', 'dbarch history needs a workflow id');
    return withTemporal(async (temporalHandle) => {
      // With DBARCH_PAYLOAD_KEYS, inputs and failure messages are encrypted in history: read them in clear here.
      const history = await decodeHistory(await temporalHandle.client.workflow.getHandle(workflowId).fetchHistory(), temporalHandle.dataConverter?.payloadCodecs ?? []);
      const timeline = describeHistory(history.events ?? []);
      if (format === 'json') console.log(JSON.stringify(timeline));
      else for (const entry of timeline) console.log(`${entry.time}  ${entry.event.padEnd(20)} ${entry.detail}`);
      return exitCodes.ok;
    });
  });
}

export interface TimelineEntry {
  readonly time: string;
  readonly event: string;
  readonly detail: string;
}

/** Keeps the events people care about and names steps by their plan id, not by activity ids. */
export function describeHistory(events: readonly HistoryEvent[]): TimelineEntry[] {
  const scheduled = new Map<string, { activity: string; step: string }>();
  const out: TimelineEntry[] = [];
  const push = (event: HistoryEvent, name: string, detail: string) => {
    const seconds = Number(event.eventTime?.seconds ?? 0);
    out.push({ time: new Date(seconds * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6)).toISOString(), event: name, detail });
  };
  const payload = (payloads: temporal.api.common.v1.IPayloads | null | undefined, index: number): unknown => {
    const item = payloads?.payloads?.[index];
    try {
      return item ? defaultPayloadConverter.fromPayload(item) : undefined;
    } catch {
      return undefined;
    }
  };
  for (const event of events) {
    const id = String(event.eventId ?? '');
    if (event.workflowExecutionStartedEventAttributes) {
      const input = payload(event.workflowExecutionStartedEventAttributes.input, 0) as { plan?: { summary?: string; hash?: string }; spec?: { path?: string } } | undefined;
      push(event, 'started', input?.plan ? `${input.plan.summary ?? ''} (plan ${String(input.plan.hash).slice(0, 12)})` : `from spec ${input?.spec?.path ?? '?'}`);
    } else if (event.activityTaskScheduledEventAttributes) {
      const attributes = event.activityTaskScheduledEventAttributes;
      const call = payload(attributes.input, 1) as { stepId?: string } | undefined;
      const step = { activity: attributes.activityType?.name ?? '?', step: call?.stepId ?? attributes.activityType?.name ?? '?' };
      scheduled.set(id, step);
      push(event, 'step scheduled', `${step.step} (${step.activity})`);
    } else if (event.activityTaskCompletedEventAttributes) {
      const step = scheduled.get(String(event.activityTaskCompletedEventAttributes.scheduledEventId ?? ''));
      push(event, 'step completed', step?.step ?? '?');
    } else if (event.activityTaskFailedEventAttributes) {
      const attributes = event.activityTaskFailedEventAttributes;
      const step = scheduled.get(String(attributes.scheduledEventId ?? ''));
      const failure = attributes.failure;
      push(event, 'step failed', `${step?.step ?? '?'}: ${failure?.applicationFailureInfo?.type ?? ''} ${failure?.message ?? ''}`.trim());
    } else if (event.activityTaskTimedOutEventAttributes) {
      const step = scheduled.get(String(event.activityTaskTimedOutEventAttributes.scheduledEventId ?? ''));
      push(event, 'step timed out', `${step?.step ?? '?'}: ${event.activityTaskTimedOutEventAttributes.failure?.message ?? ''}`);
    } else if (event.workflowExecutionUpdateAcceptedEventAttributes) {
      const request = event.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest;
      const args = payload(request?.input?.args, 0) as { identity?: string; token?: string; comment?: string; planHash?: string } | undefined;
      // A token's holder is known only once a worker verified it: the outcome line below says who it proved.
      push(event, `${request?.input?.name ?? 'update'}`, `by ${args?.identity ?? (args?.token ? 'a token (to verify)' : '?')}${args?.comment ? `: "${args.comment}"` : ''} (plan ${String(args?.planHash ?? '').slice(0, 12)})`);
    } else if (event.workflowExecutionUpdateCompletedEventAttributes?.outcome?.failure) {
      const failure = event.workflowExecutionUpdateCompletedEventAttributes.outcome.failure;
      push(event, 'update refused', `${failure.applicationFailureInfo?.type ?? ''}: ${failure.message ?? ''}`);
    } else if (event.workflowExecutionSignaledEventAttributes) {
      const attributes = event.workflowExecutionSignaledEventAttributes;
      const args = payload(attributes.input, 0) as { identity?: string; comment?: string } | undefined;
      push(event, `${attributes.signalName ?? 'signal'}`, `by ${args?.identity ?? '?'}${args?.comment ? `: "${args.comment}"` : ''}`);
    } else if (event.timerStartedEventAttributes) {
      push(event, 'timer started', `${Number(event.timerStartedEventAttributes.startToFireTimeout?.seconds ?? 0)}s`);
    } else if (event.timerFiredEventAttributes) {
      push(event, 'timer fired', '');
    } else if (event.workflowExecutionCancelRequestedEventAttributes) {
      push(event, 'cancel requested', event.workflowExecutionCancelRequestedEventAttributes.identity ?? '');
    } else if (event.workflowExecutionCompletedEventAttributes) {
      push(event, 'completed', '');
    } else if (event.workflowExecutionFailedEventAttributes) {
      const failure = event.workflowExecutionFailedEventAttributes.failure;
      push(event, 'failed', `${failure?.applicationFailureInfo?.type ?? ''}: ${failure?.message ?? ''}`);
    } else if (event.workflowExecutionCanceledEventAttributes) {
      push(event, 'cancelled', '');
    } else if (event.workflowExecutionContinuedAsNewEventAttributes) {
      push(event, 'continued as new', event.workflowExecutionContinuedAsNewEventAttributes.newExecutionRunId ?? '');
    }
  }
  return out;
}
