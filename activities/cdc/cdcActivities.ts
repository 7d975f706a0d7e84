import { Context } from '@temporalio/activity';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { ActivityDeps } from '../ActivityDeps.ts';
import { resolveConnectionUrl } from '../postgres/resolveConnectionUrl.ts';
import { cdcDefaults, type CdcOptions, type CdcTable } from './CdcOptions.ts';
import type { CdcPrepareReport } from './CdcPrepareReport.ts';
import { cdcProgressFrom, noCdcProgress, type CdcProgress } from './CdcProgress.ts';
import type { CdcSlotStatus } from './CdcSlotStatus.ts';
import { prepareCdc } from './prepareCdc.ts';
import { readCdcSlot } from './readCdcSlot.ts';
import { streamCdc, type CdcResult } from './streamCdc.ts';

/** What the cdc workflow carries (references, resolved here on the worker). */
export interface CdcActivityInput {
  readonly database: string;
  /** PostgreSQL connection reference; its database is replaced by `database`. Default DATABASE_URL. */
  readonly connection?: string;
  readonly slot?: string;
  readonly publication?: string;
  readonly tables: readonly CdcTable[];
  readonly publishTo: 'rabbitmq' | 'kafka';
  /** RabbitMQ connection reference; default AMQP_URL. */
  readonly amqpUrl?: string;
  readonly exchange?: string;
  /** Kafka brokers reference (`${KAFKA_BROKERS}`), comma-separated host:port; default KAFKA_BROKERS. */
  readonly kafkaBrokers?: string;
  readonly windowEvents?: number;
  /** Applied with ALTER SYSTEM when given (dbarch manages the server). */
  readonly maxSlotWalKeepSize?: string;
  readonly runForMs?: number;
  readonly progress?: CdcProgress;
}

/** The CDC engine as activities the cdc workflow calls by name. */
export function cdcActivities(deps: ActivityDeps) {
  return {
    prepareCdc: async (input: CdcActivityInput): Promise<CdcPrepareReport> => {
      const options = cdcOptions(input, deps);
      return prepareCdc({ ...options, ...(input.maxSlotWalKeepSize === undefined ? {} : { maxSlotWalKeepSize: input.maxSlotWalKeepSize }) }, deps.log.child({ cdc: input.database }));
    },
    streamCdc: async (input: CdcActivityInput): Promise<CdcResult> => {
      const context = Context.current();
      // A retried attempt (crash, lost connection) resumes its counters from the attempt before's last heartbeat;
      // not clean, so the first window of events is marked as replay.
      const resumed = cdcProgressFrom(context.info.heartbeatDetails);
      const start = resumed === undefined ? (input.progress ?? noCdcProgress) : { ...resumed, resumes: resumed.resumes + 1, clean: false };
      const first = context.info.attempt > 1 && resumed === undefined ? { ...start, clean: false } : start;
      return streamCdc(
        cdcOptions(input, deps),
        { signal: context.cancellationSignal, heartbeat: (progress) => context.heartbeat(progress), log: deps.log.child({ cdc: input.database, attempt: context.info.attempt }) },
        first,
      );
    },
    readCdcSlot: async (input: Pick<CdcActivityInput, 'database' | 'connection' | 'slot'>): Promise<CdcSlotStatus> =>
      readCdcSlot(databaseUrl(input, deps), input.slot ?? cdcDefaults.slot),
  };
}

export type CdcActivities = ReturnType<typeof cdcActivities>;

/** The engine's options from the workflow input, references resolved from this worker's environment. */
export function cdcOptions(input: CdcActivityInput, deps: Pick<ActivityDeps, 'urls'>, env: NodeJS.ProcessEnv = process.env): CdcOptions {
  const kafka = input.kafkaBrokers === undefined ? env.KAFKA_BROKERS : resolved(input.kafkaBrokers, env);
  return {
    databaseUrl: databaseUrl(input, deps),
    slot: input.slot ?? cdcDefaults.slot,
    publication: input.publication ?? cdcDefaults.publication,
    tables: input.tables,
    publishTo: input.publishTo,
    amqpUrl: input.amqpUrl === undefined ? deps.urls.rabbitmq : resolved(input.amqpUrl, env),
    exchange: input.exchange ?? cdcDefaults.exchange,
    ...(kafka === undefined ? {} : { kafkaBrokers: kafka.split(',').map((b) => b.trim()).filter((b) => b !== '') }),
    windowEvents: input.windowEvents ?? cdcDefaults.windowEvents,
    ...(input.runForMs === undefined ? {} : { runForMs: input.runForMs }),
  };
}

function databaseUrl(input: Pick<CdcActivityInput, 'database' | 'connection'>, deps: Pick<ActivityDeps, 'urls'>): string {
  return resolveConnectionUrl({ ...(input.connection === undefined ? {} : { connection: input.connection }), database: input.database }, deps.urls.postgres);
}

function resolved(reference: string, env: NodeJS.ProcessEnv): string {
  const result = resolveEnvReferences(reference, env);
  if (!result.ok) throw new DbarchError('DBA_STEP_CONNECTION', `${reference}: ${result.message}`, result.hint ? { hint: result.hint } : {});
  return result.value;
}
