// An application process for pendingSpool.test.ts. argv[0]: `outage` (wait for Redis to go away, change users 2 and
// 3 by write-through, print `pending <n>`, then wait to be killed) or `replay` (come up, print `replayed` once the
// spooled invalidations reached Redis, exit).
import pg from 'pg';
import { createCache } from '../../gateway/cache/createCache.ts';

const [mode] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: process.env.SPOOL_DATABASE_URL, max: 2 });
const cache = createCache({ provider: 'redis', key_prefix: process.env.SPOOL_PREFIX, ttl_policies: [{ pattern: 'user:*', ttl: 3600 }] }, { redisUrl: process.env.SPOOL_REDIS_URL, spool: pool });
const save = (id: number) => async (name: string) => {
  await pool.query('UPDATE users SET name = $2 WHERE id = $1', [id, name]);
};
if (mode === 'outage') {
  await cache.ready();
  console.log('ready');
  while (cache.redis.status === 'ready') await new Promise((resolve) => setTimeout(resolve, 20));
  await cache.writeThrough('user:2', 'renamed 2', save(2));
  await cache.writeThrough('user:3', 'renamed 3', save(3));
  console.log(`pending ${cache.pending()}`);
  await new Promise(() => undefined); // killed by the test
} else {
  await cache.flushed();
  console.log('replayed');
  cache.close();
  await pool.end();
}
