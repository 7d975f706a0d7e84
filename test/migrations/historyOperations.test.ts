import { expect } from 'chai';
import pg from 'pg';
import { applyMigrations } from '../../activities/migrations/applyMigrations.ts';
import { baseline } from '../../activities/migrations/baseline.ts';
import { repairHistory } from '../../activities/migrations/repairHistory.ts';
import { undoMigrations } from '../../activities/migrations/undoMigrations.ts';
import type { InlineMigrationFile } from '../../activities/migrations/MigrationSource.ts';
import { freshDatabase } from '../support/postgres.ts';
import type { TestDatabase } from '../support/postgres.ts';
import { expectCode } from './expectCode.ts';

/** Rows of ad-hoc test queries: fields are checked by the assertions, not the compiler. */
type Row = Record<string, unknown>;

describe('checksums, repair, undo and baseline', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let admin: pg.Client;
  let n = 0;
  let schema: string;
  const common = () => ({ historySchema: `h_${schema}`, placeholders: { s: schema } });
  const files = (list: InlineMigrationFile[]) => ({ source: { files: list }, ...common() });
  const tables = async () =>
    (await admin.query<Row>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema])).rows.map((r) => r.table_name as string);

  before(async () => {
    db = await freshDatabase('mig_history_ops');
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  });
  beforeEach(async () => {
    schema = `s${++n}`;
    await admin.query<Row>(`CREATE SCHEMA ${schema}`);
  });
  after(async () => {
    await admin.end();
    await db.drop();
  });

  it('refuses an edited applied migration naming the file and both checksums, and repair accepts it', async () => {
    const original = [{ name: 'V1__a.sql', sql: 'CREATE TABLE ${s}.a (id int);' }, { name: 'V2__b.sql', sql: 'CREATE TABLE ${s}.b (id int);' }];
    await applyMigrations(files(original), { db: db.url });
    const edited = [{ name: 'V1__a.sql', sql: '-- a comment added later\nCREATE TABLE ${s}.a (id int);' }, ...original.slice(1), { name: 'V3__c.sql', sql: 'CREATE TABLE ${s}.c (id int);' }];
    const applied = (await admin.query<Row>(`SELECT checksum FROM h_${schema}.schema_history WHERE version = '1'`)).rows[0]?.checksum as string;
    const error = await expectCode(applyMigrations(files(edited), { db: db.url }), 'DBA_MIGRATION_CHECKSUM_MISMATCH');
    expect(error.message).to.contain('V1__a.sql').and.to.contain(applied);
    expect(error.details).to.include({ script: 'V1__a.sql', appliedChecksum: applied });
    expect(error.details.fileChecksum).to.match(/^[0-9a-f]{64}$/).and.not.equal(applied);
    expect(await tables()).to.deep.equal(['a', 'b']);

    const repaired = await repairHistory({ ...files(edited), scripts: ['V1__a.sql'] }, { db: db.url });
    expect(repaired.realigned).to.deep.equal([{ script: 'V1__a.sql', version: '1', from: applied, to: error.details.fileChecksum }]);
    expect((await repairHistory(files(edited), { db: db.url })).realigned).to.deep.equal([]);
    expect((await applyMigrations(files(edited), { db: db.url })).applied.map((a) => a.script)).to.deep.equal(['V3__c.sql']);
  });

  it('repair removes the record of a failed non-transactional migration so it can run again', async () => {
    const broken = [{ name: 'V1__idx.sql', sql: '-- dbarch:no-transaction\nCREATE TABLE ${s}.a (id int);\nCREATE INDEX CONCURRENTLY a_x ON ${s}.a (x);' }];
    await expectCode(applyMigrations(files(broken), { db: db.url }), 'DBA_MIGRATION_FAILED');
    await expectCode(applyMigrations(files(broken), { db: db.url }), 'DBA_MIGRATION_PREVIOUSLY_FAILED');
    const fixed = [{ name: 'V1__idx.sql', sql: '-- dbarch:no-transaction\nCREATE TABLE IF NOT EXISTS ${s}.a (id int);\nCREATE INDEX CONCURRENTLY a_id ON ${s}.a (id);' }];
    const repaired = await repairHistory(files(fixed), { db: db.url });
    expect(repaired.removedFailed.map((r) => r.script)).to.deep.equal(['V1__idx.sql']);
    expect((await applyMigrations(files(fixed), { db: db.url })).applied.map((a) => a.script)).to.deep.equal(['V1__idx.sql']);
  });

  it('runs U scripts in reverse order down to a target version, after which the versions are pending again', async () => {
    const list = [
      { name: 'V1__a.sql', sql: 'CREATE TABLE ${s}.a (id int);' },
      { name: 'V2__b.sql', sql: 'CREATE TABLE ${s}.b (id int);' },
      { name: 'V2.1__b_ref.sql', sql: 'CREATE TABLE ${s}.b_ref (id int);' },
      { name: 'V3__c.sql', sql: 'CREATE TABLE ${s}.c (id int);' },
      { name: 'U2__b.sql', sql: 'DROP TABLE ${s}.b;' },
      { name: 'U2.1__b_ref.sql', sql: 'DROP TABLE ${s}.b_ref;' },
      { name: 'U3__c.sql', sql: 'DROP TABLE ${s}.c;' },
    ];
    await applyMigrations(files(list), { db: db.url });
    const report = await undoMigrations({ ...files(list), target: '1' }, { db: db.url });
    expect(report.undone.map((u) => u.script)).to.deep.equal(['U3__c.sql', 'U2.1__b_ref.sql', 'U2__b.sql']);
    expect(report.currentVersion).to.equal('1');
    expect(await tables()).to.deep.equal(['a']);
    const rows = (await admin.query<Row>(`SELECT version, type FROM h_${schema}.schema_history ORDER BY installed_rank`)).rows;
    expect(rows.slice(4)).to.deep.equal([{ version: '3', type: 'undo' }, { version: '2.1', type: 'undo' }, { version: '2', type: 'undo' }]);
    expect((await undoMigrations({ ...files(list), target: '1' }, { db: db.url })).undone).to.deep.equal([]);
    expect((await applyMigrations(files(list), { db: db.url })).applied.map((a) => a.script)).to.deep.equal(['V2__b.sql', 'V2.1__b_ref.sql', 'V3__c.sql']);
  });

  it('refuses to start an undo when a needed U script is missing', async () => {
    const list = [
      { name: 'V1__a.sql', sql: 'CREATE TABLE ${s}.a (id int);' },
      { name: 'V2__b.sql', sql: 'CREATE TABLE ${s}.b (id int);' },
      { name: 'U2__b.sql', sql: 'DROP TABLE ${s}.b;' },
    ];
    await applyMigrations(files(list), { db: db.url });
    const error = await expectCode(undoMigrations({ ...files(list), target: '0' }, { db: db.url }), 'DBA_MIGRATION_UNDO_MISSING');
    expect(error.details.scripts).to.deep.equal(['V1__a.sql']);
    expect(await tables()).to.deep.equal(['a', 'b']);
  });

  it('baselines an existing database: versions up to the baseline never run; repeating it is a no-op', async () => {
    await admin.query<Row>(`CREATE TABLE ${schema}.legacy (id int)`);
    const list = [
      { name: 'V1__legacy.sql', sql: 'CREATE TABLE ${s}.legacy (id int);' },
      { name: 'V2__legacy_more.sql', sql: 'ALTER TABLE ${s}.legacy ADD COLUMN x int;' },
      { name: 'V3__new.sql', sql: 'CREATE TABLE ${s}.fresh (id int);' },
    ];
    expect((await baseline({ version: '2', historySchema: `h_${schema}` }, { db: db.url })).created).to.equal(true);
    expect((await baseline({ version: '2.0', historySchema: `h_${schema}` }, { db: db.url })).created).to.equal(false);
    await expectCode(baseline({ version: '3', historySchema: `h_${schema}` }, { db: db.url }), 'DBA_MIGRATION_BASELINE_CONFLICT');
    const report = await applyMigrations(files(list), { db: db.url });
    expect(report.applied.map((a) => a.script)).to.deep.equal(['V3__new.sql']);
    expect(await tables()).to.deep.equal(['fresh', 'legacy']);
  });
});
