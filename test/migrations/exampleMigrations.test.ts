import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { applyMigrations } from '../../activities/migrations/applyMigrations.ts';
import { lintMigrations } from '../../activities/migrations/lint/lintMigrations.ts';
import { undoMigrations } from '../../activities/migrations/undoMigrations.ts';
import { freshDatabase } from '../support/postgres.ts';
import type { TestDatabase } from '../support/postgres.ts';

const dir = fileURLToPath(new URL('../../specs/migrations', import.meta.url));

describe('the example platform migrations (specs/migrations)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => {
    db = await freshDatabase('mig_examples');
  });
  after(async () => {
    await db.drop();
  });

  it('lint clean, apply, undo to 2 and apply again', async () => {
    const lint = await lintMigrations({ source: { dir } });
    expect(lint.findings).to.deep.equal([]);
    const applied = await applyMigrations({ source: { dir } }, { db: db.url });
    expect(applied.applied.map((a) => a.script)).to.include.members(['V2__add_user_status.sql', 'V3__users_email_lower_index.sql', 'R__user_directory_view.sql']);
    const undone = await undoMigrations({ source: { dir }, target: '2' }, { db: db.url });
    expect(undone.undone.map((u) => u.script)).to.deep.equal(['U3__users_email_lower_index.sql']);
    expect((await applyMigrations({ source: { dir } }, { db: db.url })).applied.map((a) => a.script)).to.deep.equal(['V3__users_email_lower_index.sql']);
  });
});
