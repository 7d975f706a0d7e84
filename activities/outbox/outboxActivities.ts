import { Context } from '@temporalio/activity';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { ActivityDeps } from '../ActivityDeps.ts';
import { resolveConnectionUrl } from '../postgres/resolveConnectionUrl.ts';
import { relayDefaults } from './RelayOptions.ts';
import { relayOutbox, type RelayResult } from './relayOutbox.ts';
import { noProgress, progressFrom, type RelayProgress } from './RelayProgress.ts';

/** The relay activity's input: what the workflow carries (references, resolved here on the worker). */
export interface RelayActivityInput {
  readonly database: string;
  /** PostgreSQL connection reference (`${DATABASE_URL:-…}`); its database is replaced by `database`. Default DATABASE_URL. */
  readonly connection?: string;
  /** RabbitMQ connection reference; default AMQP_URL. */
  readonly amqpUrl?: string;
  readonly exchange: string;
  readonly batchSize?: number;
  readonly windowBatches?: number;
  readonly pollIntervalMs?: number;
  readonly maxAttempts?: number;
  readonly runForMs: number;
  /** Progress of the runs before (continue-as-new). */
  readonly progress?: RelayProgress;
}

/** The outbox relay as an activity the relay workflow calls by name. */
export function outboxActivities(deps: ActivityDeps) {
  return {
    relayOutbox: async (input: RelayActivityInput): Promise<RelayResult> => {
      const context = Context.current();
      // A retried attempt resumes its counters from the last heartbeat of the attempt before (Temporal keeps them).
      const resumed = progressFrom(context.info.heartbeatDetails);
      const start = resumed === undefined ? (input.progress ?? noProgress) : { ...resumed, resumes: resumed.resumes + 1 };
      const amqpUrl = input.amqpUrl === undefined ? deps.urls.rabbitmq : resolved(input.amqpUrl);
      return relayOutbox(
        {
          databaseUrl: resolveConnectionUrl({ ...(input.connection === undefined ? {} : { connection: input.connection }), database: input.database }, deps.urls.postgres),
          amqpUrl,
          exchange: input.exchange,
          batchSize: input.batchSize ?? relayDefaults.batchSize,
          windowBatches: input.windowBatches ?? relayDefaults.windowBatches,
          pollIntervalMs: input.pollIntervalMs ?? relayDefaults.pollIntervalMs,
          maxAttempts: input.maxAttempts ?? relayDefaults.maxAttempts,
          runForMs: input.runForMs,
        },
        { signal: context.cancellationSignal, heartbeat: (progress) => context.heartbeat(progress), log: deps.log.child({ relay: input.database, attempt: context.info.attempt }) },
        start,
      );
    },
  };
}

function resolved(reference: string): string {
  const result = resolveEnvReferences(reference, process.env);
  if (!result.ok) throw new DbarchError('DBA_STEP_CONNECTION', `queue_config.url ${reference}: ${result.message}`, result.hint ? { hint: result.hint } : {});
  return result.value;
}

export type OutboxActivities = ReturnType<typeof outboxActivities>;
