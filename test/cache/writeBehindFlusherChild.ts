// A write-behind flusher process for writeBehind.test.ts: argv = mode (slow | die-after-commit | drain), consumer name.
import pg from 'pg';
import { createCache } from '../../gateway/cache/createCache.ts';

const [mode, consumer] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: process.env.WB_DATABASE_URL, max: 2 });
const cache = createCache({ provider: 'redis', key_prefix: process.env.WB_PREFIX, write_behind: { batch_size: 50 }, ttl_policies: [{ pattern: 'counter:*', ttl: 3600 }] });
await cache.ready();
const flusher = cache.flusher({
  pool,
  consumer,
  claimIdleMs: 0,
  async write(client, entries) {
    for (const e of entries) await client.query('INSERT INTO writes (key, value) VALUES ($1, $2)', [e.key, e.value]);
    console.log(`writing ${entries.length}`);
    // The server notices the killed client within 100 ms and rolls back (else the sleep would hold the batch's locks).
    if (mode === 'slow') await client.query("SET client_connection_check_interval = '100ms'; SELECT pg_sleep(60)");
  },
  afterCommit(entries) {
    console.log(`committed ${entries.length}`);
    if (mode === 'die-after-commit') process.kill(process.pid, 'SIGKILL');
  },
});
let total = 0;
for (let n = await flusher.flushOnce(); n > 0; n = await flusher.flushOnce()) total += n;
console.log(`drained ${total}`);
cache.close();
await pool.end();
