import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { eventually, spawnTs } from '../support/childProcess.ts';
import { startPgCluster } from '../support/pgCluster.ts';

async function settings(url: string, names: string[]): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; setting: string }>('SELECT name, setting FROM pg_settings WHERE name = ANY($1)', [names]);
    return Object.fromEntries(rows.map((row) => [row.name, row.setting]));
  } finally {
    await client.end();
  }
}

async function accepts(port: number): Promise<boolean> {
  const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, connectionTimeoutMillis: 1000 });
  // The server may be shut down between connect and end: its termination is an answer, not a crash.
  client.on('error', () => undefined);
  return client.connect().then(
    () => client.end().then(() => true),
    () => false,
  );
}

describe('test harness: extra PostgreSQL clusters', () => {
  it('starts a cluster with logical WAL, slots, senders and archiving, run by postgres; stop() removes it', async () => {
    const cluster = await startPgCluster({ label: 'settings', archive: true, maxReplicationSlots: 4 });
    try {
      expect(await settings(cluster.url, ['wal_level', 'max_replication_slots', 'archive_mode', 'fsync'])).to.deep.equal({
        wal_level: 'logical',
        max_replication_slots: '4',
        archive_mode: 'on',
        fsync: 'off',
      });
      if (process.getuid?.() === 0) {
        // The server refuses to run as root: the data directory belongs to postgres.
        expect(statSync(cluster.dataDir).uid).to.equal(Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })));
      }
      const url = await cluster.createDatabase('made_here');
      expect(url).to.equal(`postgres://postgres@127.0.0.1:${cluster.port}/made_here`);
    } finally {
      await cluster.stop();
    }
    expect(existsSync(dirname(cluster.dataDir))).to.equal(false);
    expect(await accepts(cluster.port)).to.equal(false);
  });

  it('leaves no server and no directory behind when the test process is killed', async () => {
    const child = spawnTs('test/replication/fixtures/holdPgCluster.ts', []);
    const line = await child.waitForLine(/^\{"port"/);
    const { port, dataDir } = JSON.parse(line) as { port: number; dataDir: string };
    expect(await accepts(port)).to.equal(true);
    child.process.kill('SIGKILL');
    await child.exited;
    // The watchdog sees its pipe close: fast shutdown, then the cluster directory goes.
    await eventually(async () => (!(await accepts(port)) && !existsSync(dirname(dataDir)) ? true : undefined), 'the orphaned cluster to go away');
  });
});
