// Applies the same 500 migrations with dbarch, node-pg-migrate and psql, each on its own fresh database,
// and prints the times and the ratios. Run: node --import tsx bench/migrate.ts  (BENCH_COUNT, BENCH_ROUNDS)
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { applyMigrations } from '../activities/migrations/applyMigrations.ts';
import { freshDatabase } from '../test/support/postgres.ts';

const count = Number(process.env.BENCH_COUNT ?? 500);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const run = promisify(execFile);

/** A realistic mix: a table with a default and an index, a column on the previous table, a few rows. */
function migrationSql(i: number): string {
  const lines = [
    `CREATE TABLE t_${i} (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());`,
    `CREATE INDEX t_${i}_name ON t_${i} (name);`,
    `INSERT INTO t_${i} (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c');`,
  ];
  if (i > 1) lines.push(`ALTER TABLE t_${i - 1} ADD COLUMN c_${i} integer;`);
  return lines.join('\n') + '\n';
}

async function prepareFiles(root: string): Promise<{ ours: string; npm: string; psqlFile: string }> {
  const ours = join(root, 'dbarch');
  const npm = join(root, 'node-pg-migrate');
  await Promise.all([mkdir(ours), mkdir(npm)]);
  const all: string[] = [];
  for (let i = 1; i <= count; i++) {
    const sql = migrationSql(i);
    all.push(sql);
    await writeFile(join(ours, `V${i}__step_${i}.sql`), sql);
    await writeFile(join(npm, `${String(i).padStart(6, '0')}_step_${i}.sql`), `-- Up Migration\n${sql}`);
  }
  const psqlFile = join(root, 'all.sql');
  await writeFile(psqlFile, all.join(''));
  return { ours, npm, psqlFile };
}

type Contender = { name: string; note: string; apply: (url: string) => Promise<void> };

async function countTables(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't\\_%'`);
    return r.rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'dbarch-bench-'));
  try {
    const { ours, npm, psqlFile } = await prepareFiles(root);
    const contenders: Contender[] = [
      {
        name: 'dbarch',
        note: 'one transaction per migration, advisory lock, checksums, async commit + final flush',
        apply: async (url) => void (await applyMigrations({ source: { dir: ours } }, { db: url })),
      },
      {
        name: 'dbarch (sync commit)',
        note: 'same, every commit waits for its WAL flush',
        apply: async (url) => void (await applyMigrations({ source: { dir: ours }, asyncCommit: false }, { db: url })),
      },
      {
        name: 'node-pg-migrate',
        note: 'default: all migrations in ONE transaction, advisory lock',
        apply: async (url) =>
          void (await runner({ databaseUrl: url, dir: npm, direction: 'up', migrationsTable: 'pgmigrations', log: () => undefined })),
      },
      {
        name: 'node-pg-migrate (per migration)',
        note: 'singleTransaction: false, one transaction per migration',
        apply: async (url) =>
          void (await runner({ databaseUrl: url, dir: npm, direction: 'up', migrationsTable: 'pgmigrations', singleTransaction: false, log: () => undefined })),
      },
      {
        name: 'psql -f (concatenated)',
        note: 'autocommit per statement, no history, no lock',
        apply: async (url) => void (await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', psqlFile])),
      },
    ];
    const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
    // Client CPU of this process: insensitive to other load on the server, shows each tool's own overhead.
    const cpu = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
    for (let round = 0; round < rounds; round++) {
      // Rotate the order so no contender always runs first (cold caches) or last.
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length] as Contender);
      for (const contender of order) {
        const db = await freshDatabase(`bench_${contender.name}`);
        try {
          const started = performance.now();
          const cpuStart = process.cpuUsage();
          await contender.apply(db.url);
          const elapsed = performance.now() - started;
          const cpuUsed = process.cpuUsage(cpuStart);
          cpu.get(contender.name)?.push((cpuUsed.user + cpuUsed.system) / 1000);
          const tables = await countTables(db.url);
          if (tables !== count) throw new Error(`${contender.name} created ${tables} tables, expected ${count}`);
          times.get(contender.name)?.push(elapsed);
        } finally {
          await db.drop();
        }
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
    const ourMedian = median(times.get('dbarch') ?? []);
    console.log(`\n${count} migrations, ${rounds} round(s), median wall time per contender (fresh database each run)\n`);
    console.log(`${'contender'.padEnd(34)}${'median ms'.padStart(10)}${'dbarch/this'.padStart(13)}${'client CPU ms'.padStart(15)}  runs ms`);
    for (const contender of contenders) {
      const values = times.get(contender.name) ?? [];
      const m = median(values);
      const clientCpu = contender.name.startsWith('psql') ? '(child)' : median(cpu.get(contender.name) ?? []).toFixed(0);
      console.log(
        `${contender.name.padEnd(34)}${m.toFixed(0).padStart(10)}${(ourMedian / m).toFixed(2).padStart(13)}${clientCpu.padStart(15)}  ${values.map((v) => v.toFixed(0)).join(' / ')}`,
      );
    }
    console.log('');
    for (const contender of contenders) console.log(`  ${contender.name}: ${contender.note}`);
    const npmMedian = median(times.get('node-pg-migrate') ?? []);
    console.log(`\nratio dbarch / node-pg-migrate = ${(ourMedian / npmMedian).toFixed(2)} (goal: <= 1.00)`);
    console.log(`ratio dbarch / node-pg-migrate (per migration) = ${(ourMedian / median(times.get('node-pg-migrate (per migration)') ?? [])).toFixed(2)}`);
    console.log(`ratio dbarch / psql = ${(ourMedian / median(times.get('psql -f (concatenated)') ?? [])).toFixed(2)}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
