import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancelledFailure } from '@temporalio/common';
import pg from 'pg';
import { closeActivityDeps, createActivityDeps, type ActivityDeps } from '../../activities/ActivityDeps.ts';
import { backupActivities } from '../../activities/backup/backupActivities.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { eventually } from '../support/childProcess.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { testLog } from '../support/temporal.ts';
import { activityEnvironment, runInActivity } from './runInActivity.ts';

describe('backup: a cancelled or killed dump', () => {
  let db: TestDatabase;
  let deps: ActivityDeps;
  let directory: string;
  let destination: string;
  let admin: pg.Client;
  let activities: ReturnType<typeof backupActivities>;

  before(async () => {
    db = await freshDatabase('backup_cancel');
    deps = createActivityDeps(serviceUrls(), testLog);
    activities = backupActivities(deps);
    directory = mkdtempSync(join(tmpdir(), 'dbarch-backup-'));
    destination = pathToFileURL(directory).href;
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA app; CREATE TABLE app.items AS SELECT i AS id, md5(i::text) AS v FROM generate_series(1, 5000) i`);
  });

  after(async () => {
    await admin.end();
    await closeActivityDeps(deps);
    await db.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  /** pg_dump sessions of this test's database and what they wait for. */
  async function pgDumpSessions(): Promise<{ wait_event_type: string | null }[]> {
    const { rows } = await admin.query<{ wait_event_type: string | null }>(
      `SELECT wait_event_type FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pg_dump'`,
    );
    return rows;
  }

  it('cancelled mid-dump: pg_dump is killed, nothing is left under the final name, and the retry writes one valid dump', async () => {
    // A writer's lock holds pg_dump mid-dump (it waits for its share lock), so the cancel lands while it runs.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE app.items IN ACCESS EXCLUSIVE MODE');

    const environment = activityEnvironment();
    const { env, heartbeats } = environment;
    const attempt = environment.run(activities.dumpSchemas, { databaseUrl: db.url, schemas: ['app'], destination, backupId: 'cancelled' });
    const outcome = attempt.then(
      () => undefined,
      (error: unknown) => error,
    );
    await eventually(async () => ((await pgDumpSessions()).some((session) => session.wait_event_type === 'Lock') ? true : undefined), 'pg_dump waiting on the lock');
    expect(heartbeats[0]).to.include({ phase: 'dumping', backupId: 'cancelled' });

    // A second attempt of the same backup while the first still runs is told to come back later.
    const concurrent = await runInActivity(activities.dumpSchemas, { databaseUrl: db.url, schemas: ['app'], destination, backupId: 'cancelled' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(concurrent).to.be.instanceOf(DbarchError).and.to.include({ code: 'DBA_BACKUP_IN_PROGRESS' });

    env.cancel();
    expect(await outcome).to.be.instanceOf(CancelledFailure);
    expect(readdirSync(directory).filter((name) => name.startsWith('cancelled'))).to.deep.equal([]);
    // The killed pg_dump's server session goes away too (it held a snapshot and waited for a lock).
    await eventually(async () => ((await pgDumpSessions()).length === 0 ? true : undefined), 'the pg_dump session to end');

    await holder.query('ROLLBACK');
    await holder.end();
    const retry = await runInActivity(activities.dumpSchemas, { databaseUrl: db.url, schemas: ['app'], destination, backupId: 'cancelled' });
    expect(retry.reused).to.equal(false);
    expect(readdirSync(directory).filter((name) => name.startsWith('cancelled')).sort()).to.deep.equal(['cancelled.dump', 'cancelled.manifest.json']);
    const listing = execFileSync('pg_restore', ['--list', join(directory, 'cancelled.dump')], { encoding: 'utf8' });
    expect(listing).to.match(/TABLE DATA app items/);
  });

  it('a dead attempt\'s leftovers (a partial file, a dump without manifest) are replaced by the retry', async () => {
    // What a worker killed with SIGKILL can leave: a partial dump, or a renamed dump whose manifest was never written.
    writeFileSync(join(directory, 'killed.partial-deadbeef'), 'half a dump');
    writeFileSync(join(directory, 'killed.dump'), 'not a dump either');
    const restoreFirst = await runInActivity(activities.restoreSchemas, { databaseUrl: db.url, destination, backupId: 'killed' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(restoreFirst, 'a dump without manifest is never restored').to.be.instanceOf(DbarchError).and.to.include({ code: 'DBA_BACKUP_NOT_FOUND' });

    const retry = await runInActivity(activities.dumpSchemas, { databaseUrl: db.url, schemas: ['app'], destination, backupId: 'killed' });
    expect(retry.reused).to.equal(false);
    expect(readdirSync(directory).filter((name) => name.startsWith('killed')).sort()).to.deep.equal(['killed.dump', 'killed.manifest.json']);
    await runInActivity(activities.restoreSchemas, { databaseUrl: db.url, destination, backupId: 'killed' });
  });
});
