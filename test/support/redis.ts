import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { serviceUrls } from '../../runtime/serviceUrls.ts';

export interface TestRedis {
  /** Connected client; every key a test writes starts with `prefix`. */
  readonly redis: Redis;
  readonly prefix: string;
  /** Deletes the test's keys (and only those) and disconnects. */
  cleanup(): Promise<void>;
}

/** A Redis client and a key prefix of one test's own, so suites never see each other's keys. */
export async function freshRedis(label: string): Promise<TestRedis> {
  const prefix = `dbarch-test:${label}:${randomBytes(4).toString('hex')}:`;
  const redis = new Redis(serviceUrls().redis, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  return {
    redis,
    prefix,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}
