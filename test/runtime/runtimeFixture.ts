import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
// The default export: a named import fails when this file is the first to load the CommonJS package.
import proto from '@temporalio/proto';
import pg from 'pg';
import type { Plan } from '../../plan/Plan.ts';
import { planSpec } from '../../plan/planSpec.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { testLog } from '../support/temporal.ts';


export const historiesDir = new URL('../histories/', import.meta.url);

/** A database with a `side_effects` table every SQL step of the test specs writes one row to. */
export async function sideEffectsDatabase(label: string): Promise<TestDatabase & { client: pg.Client; effects(): Promise<string[]> }> {
  const db = await freshDatabase(label);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query('CREATE TABLE side_effects (n serial PRIMARY KEY, step text NOT NULL)');
  return {
    ...db,
    client,
    async effects() {
      return (await client.query<{ step: string }>('SELECT step FROM side_effects ORDER BY n')).rows.map((row) => row.step);
    },
    async drop() {
      await client.end();
      await db.drop();
    },
  };
}

/** Writes a copy of a test spec with `__DB__` replaced by the database name and `__TAG__` by a unique tag. */
export function writeSpec(name: string, replacements: Record<string, string>): string {
  let text = readFileSync(new URL(`./specs/${name}`, import.meta.url), 'utf8');
  for (const [key, value] of Object.entries(replacements)) text = text.replaceAll(key, value);
  const dir = mkdtempSync(join(tmpdir(), 'dbarch-spec-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export async function planFor(path: string, environment = 'dev', procedure?: string): Promise<Plan> {
  const registry = createPluginRegistry(createPluginDeps(serviceUrls(), testLog));
  const result = await planSpec({ paths: [path], environment, ...(procedure ? { procedure } : {}), registry });
  if (!result.ok) throw new Error(`test spec does not plan: ${JSON.stringify([...result.specIssues, ...result.planIssues])}`);
  return result.plan;
}

/**
 * Saves a finished workflow's history for the replay test when DBARCH_RECORD_HISTORIES=1; the committed files are
 * what `test/runtime/replay.test.ts` replays on every run.
 */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.DBARCH_RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  const json = proto.temporal.api.history.v1.History.toObject(proto.temporal.api.history.v1.History.fromObject(history), { longs: String, enums: String, bytes: String });
  writeFileSync(new URL(`${name}.json`, historiesDir), JSON.stringify(json, null, 1) + '\n');
}
