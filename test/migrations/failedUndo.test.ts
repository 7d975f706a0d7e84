import { expect } from 'chai';
import pg from 'pg';
import { applyMigrations } from '../../activities/migrations/applyMigrations.ts';
import { dryRun } from '../../activities/migrations/dryRun.ts';
import { repairHistory } from '../../activities/migrations/repairHistory.ts';
import { undoMigrations } from '../../activities/migrations/undoMigrations.ts';
import { freshDatabase } from '../support/postgres.ts';
import type { TestDatabase } from '../support/postgres.ts';
import { expectCode } from './expectCode.ts';

describe('a failed non-transactional undo', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let admin: pg.Client;

  before(async () => {
    db = await freshDatabase('mig_failed_undo');
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  });
  after(async () => {
    await admin.end();
    await db.drop();
  });

  const tables = async (schema: string) =>
    (await admin.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema])).rows.map((r) => r.name);

  it('blocks apply, undo and dry-run as previously failed (never "pending") until repair removes its record', async () => {
    await admin.query('CREATE SCHEMA fu');
    const common = { historySchema: 'h_fu', placeholders: { s: 'fu' } };
    const v1 = { name: 'V1__t.sql', sql: 'CREATE TABLE ${s}.t (id int);\nCREATE TABLE ${s}.u (id int);\n' };
    // Drops u, then fails: the schema is half-undone and the undo row stays with success = false.
    const brokenUndo = [v1, { name: 'U1__t.sql', sql: '-- dbarch:no-transaction\nDROP TABLE ${s}.u;\nDROP TABLE ${s}.no_such_table;\nDROP TABLE ${s}.t;\n' }];
    const source = (files: typeof brokenUndo) => ({ source: { files }, ...common });

    await applyMigrations(source(brokenUndo), { db: db.url });
    await expectCode(undoMigrations({ ...source(brokenUndo), target: '0' }, { db: db.url }), 'DBA_MIGRATION_FAILED');
    expect(await tables('fu')).to.deep.equal(['t']);

    const plan = await dryRun(source(brokenUndo), { db: db.url });
    expect(plan.steps).to.deep.equal([]);
    expect(plan.issues.map((i) => i.code)).to.deep.equal(['DBA_MIGRATION_PREVIOUSLY_FAILED']);
    expect(plan.issues[0]?.details).to.include({ type: 'undo', failedScript: 'U1__t.sql' });
    expect(plan.files.find((f) => f.script === 'V1__t.sql')?.status).to.equal('failed');

    const onApply = await expectCode(applyMigrations(source(brokenUndo), { db: db.url }), 'DBA_MIGRATION_PREVIOUSLY_FAILED');
    expect(onApply.message).to.contain('U1__t.sql');
    await expectCode(undoMigrations({ ...source(brokenUndo), target: '0' }, { db: db.url }), 'DBA_MIGRATION_PREVIOUSLY_FAILED');
    expect(await tables('fu')).to.deep.equal(['t']); // nothing ran again on the half-undone schema

    // The operator finishes the undo's work by hand (puts u back), fixes the script and repairs.
    await admin.query('CREATE TABLE fu.u (id int)');
    const fixedUndo = [v1, { name: 'U1__t.sql', sql: '-- dbarch:no-transaction\nDROP TABLE IF EXISTS ${s}.u;\nDROP TABLE IF EXISTS ${s}.t;\n' }];
    const repaired = await repairHistory(source(fixedUndo), { db: db.url });
    expect(repaired.removedFailed.map((r) => r.script)).to.deep.equal(['U1__t.sql']);
    expect((await dryRun(source(fixedUndo), { db: db.url })).issues).to.deep.equal([]);
    // After repair the version counts as applied again (the state before the failed attempt): undo can run.
    const undone = await undoMigrations({ ...source(fixedUndo), target: '0' }, { db: db.url });
    expect(undone.undone.map((u) => u.script)).to.deep.equal(['U1__t.sql']);
    expect(await tables('fu')).to.deep.equal([]);
    expect((await applyMigrations(source(fixedUndo), { db: db.url })).applied.map((a) => a.script)).to.deep.equal(['V1__t.sql']);
  });

  it('still blocks when the V file of the failed record is gone', async () => {
    await admin.query('CREATE SCHEMA fg');
    const common = { historySchema: 'h_fg', placeholders: { s: 'fg' } };
    const files = [
      { name: 'V1__t.sql', sql: 'CREATE TABLE ${s}.t (id int);' },
      { name: 'U1__t.sql', sql: '-- dbarch:no-transaction\nDROP TABLE ${s}.no_such_table;' },
    ];
    await applyMigrations({ source: { files }, ...common }, { db: db.url });
    await expectCode(undoMigrations({ source: { files }, ...common, target: '0' }, { db: db.url }), 'DBA_MIGRATION_FAILED');
    const plan = await dryRun({ source: { files: [] }, ...common, allowMissing: true }, { db: db.url });
    expect(plan.issues.map((i) => i.code)).to.deep.equal(['DBA_MIGRATION_PREVIOUSLY_FAILED']);
    await expectCode(applyMigrations({ source: { files: [] }, ...common, allowMissing: true }, { db: db.url }), 'DBA_MIGRATION_PREVIOUSLY_FAILED');
  });
});
