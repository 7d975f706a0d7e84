import amqp, { type ChannelModel } from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Logger } from '../runtime/logger.ts';
import type { ServiceUrls } from '../runtime/serviceUrls.ts';

/**
 * What engine code is built from: the logger and lazily opened clients for PostgreSQL, Redis and RabbitMQ, so
 * building activities or a plugin (also at plan time, to learn its step names) opens no connection. Plugin steps
 * get the same object (`PluginDeps`). `postgres()` without a URL is the control database (DATABASE_URL), where
 * dbarch keeps its own tables in schema `dbarch`.
 */
export interface ActivityDeps {
  readonly log: Logger;
  readonly urls: ServiceUrls;
  /** A pool per connection URL (default: DATABASE_URL), shared by every step of every plugin in the worker. */
  postgres(url?: string): pg.Pool;
  redis(): Redis;
  amqp(): Promise<ChannelModel>;
  /** Ends every client that was opened. */
  close(): Promise<void>;
}

export function createActivityDeps(urls: ServiceUrls, log: Logger): ActivityDeps {
  const pools = new Map<string, pg.Pool>();
  let redis: Redis | undefined;
  let amqpConnection: Promise<ChannelModel> | undefined;
  return {
    log,
    urls,
    postgres(url = urls.postgres) {
      let pool = pools.get(url);
      if (!pool) {
        pool = new pg.Pool({
          connectionString: url,
          max: 5,
          idleTimeoutMillis: 5000,
          allowExitOnIdle: true,
          application_name: 'dbarch:step',
          // A killed worker's open transaction is rolled back within a second, even during a long statement.
          options: '-c client_connection_check_interval=1000',
        });
        // Idle clients lose their server when a database is dropped or restarted; the next checkout reconnects.
        pool.on('error', (error) => log.debug({ code: (error as { code?: string }).code, message: error.message }, 'idle step pool client lost its connection'));
        pools.set(url, pool);
      }
      return pool;
    },
    redis() {
      redis ??= new Redis(urls.redis, { lazyConnect: false, maxRetriesPerRequest: 3 });
      return redis;
    },
    amqp() {
      amqpConnection ??= amqp.connect(urls.rabbitmq);
      return amqpConnection;
    },
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.end()));
      pools.clear();
      if (redis) redis.disconnect();
      if (amqpConnection) await (await amqpConnection).close().catch(() => undefined);
    },
  };
}

export async function closeActivityDeps(deps: ActivityDeps): Promise<void> {
  await deps.close();
}
