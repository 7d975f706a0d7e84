// One process starting up: waits at a barrier (an advisory lock the test holds), then brings dbarch's own tables
// up to date as a worker does, and prints what it applied as one JSON line.
import pg from 'pg';
import { ensureDbarchSchema } from '../../activities/schema/ensureDbarchSchema.ts';

const [url = '', barrier = '0'] = process.argv.slice(2);
const gate = new pg.Client({ connectionString: url });
await gate.connect();
await gate.query('SELECT pg_advisory_lock_shared($1)', [Number(barrier)]);
await gate.end();
try {
  const control = await ensureDbarchSchema('control', url);
  const target = await ensureDbarchSchema('target', url);
  console.log(JSON.stringify({ ok: true, control: control.applied, target: target.applied }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: { code: (error as { code?: string }).code ?? null, message: (error as Error).message } }));
  process.exitCode = 1;
}
