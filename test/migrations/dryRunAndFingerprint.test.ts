import { expect } from 'chai';
import { applyMigrations } from '../../activities/migrations/applyMigrations.ts';
import { dryRun } from '../../activities/migrations/dryRun.ts';
import { schemaFingerprint } from '../../activities/migrations/schemaFingerprint.ts';
import { freshDatabase } from '../support/postgres.ts';
import type { TestDatabase } from '../support/postgres.ts';

const files = [
  { name: 'V1__users.sql', sql: "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL, role text DEFAULT '${default_role}');" },
  { name: 'V2__orders.sql', sql: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id), total numeric(12,2) CHECK (total >= 0));' },
  { name: 'V3__email_index.sql', sql: '-- dbarch:no-transaction\n-- dbarch:lock-timeout 1min\nCREATE UNIQUE INDEX CONCURRENTLY users_email ON users (email);' },
  { name: 'R__views.sql', sql: 'CREATE OR REPLACE VIEW order_totals AS SELECT user_id, sum(total) AS total FROM orders GROUP BY user_id;' },
  { name: 'U3__email_index.sql', sql: 'DROP INDEX users_email;' },
];
const withPolicy = [
  ...files,
  { name: 'V4__rls.sql', sql: 'ALTER TABLE orders ENABLE ROW LEVEL SECURITY;\nCREATE POLICY own_orders ON orders USING (user_id = 1);' },
];

describe('dry-run and schema fingerprint', function () {
  this.timeout(60_000);
  let staging: TestDatabase;
  let production: TestDatabase;

  before(async () => {
    [staging, production] = await Promise.all([freshDatabase('mig_dry_staging'), freshDatabase('mig_dry_prod')]);
  });
  after(async () => {
    await Promise.all([staging.drop(), production.drop()]);
  });

  it('shows the exact SQL, order and status per file for each environment', async () => {
    await applyMigrations({ source: { files: files.slice(0, 1) }, placeholders: { default_role: 'member' } }, { db: staging.url });
    const report = await dryRun({ source: { files }, environment: 'staging', placeholders: { default_role: 'member' } }, { db: staging.url });
    expect(report.environment).to.equal('staging');
    expect(report.files.map((f) => [f.script, f.status])).to.deep.equal([
      ['V1__users.sql', 'applied'],
      ['V2__orders.sql', 'pending'],
      ['V3__email_index.sql', 'pending'],
      ['R__views.sql', 'pending'],
      ['U3__email_index.sql', 'available'],
    ]);
    expect(report.steps.map((s) => [s.order, s.script, s.transactional, s.lockTimeout])).to.deep.equal([
      [1, 'V2__orders.sql', true, '10s'],
      [2, 'V3__email_index.sql', false, '1min'],
      [3, 'R__views.sql', true, '10s'],
    ]);
    expect(report.steps[1]?.statements).to.deep.equal(['CREATE UNIQUE INDEX CONCURRENTLY users_email ON users (email)']);
    expect(report.issues).to.deep.equal([]);

    const offline = await dryRun({ source: { files }, environment: 'production', placeholders: { default_role: 'viewer' } }, {});
    expect(offline.connected).to.equal(false);
    expect(offline.steps[0]?.sql).to.contain("DEFAULT 'viewer'");
    const missing = await dryRun({ source: { files } }, {});
    expect(missing.issues.map((i) => [i.code, i.script])).to.deep.equal([['DBA_MIGRATION_PLACEHOLDER_UNKNOWN', 'V1__users.sql']]);
  });

  it('marks a changed repeatable as outdated', async () => {
    await applyMigrations({ source: { files }, placeholders: { default_role: 'member' } }, { db: staging.url });
    const changed = files.map((f) => (f.name === 'R__views.sql' ? { ...f, sql: f.sql.replace('sum(total)', 'count(*)') } : f));
    const report = await dryRun({ source: { files: changed }, placeholders: { default_role: 'member' } }, { db: staging.url });
    expect(report.files.find((f) => f.script === 'R__views.sql')?.status).to.equal('outdated');
    expect(report.steps.map((s) => s.script)).to.deep.equal(['R__views.sql']);
  });

  it('gives staging and production the same fingerprint after the same migrations, and a different one otherwise', async () => {
    await applyMigrations({ source: { files }, placeholders: { default_role: 'member' } }, { db: production.url });
    const [a, b] = await Promise.all([
      schemaFingerprint({ includeCatalog: true }, { db: staging.url }),
      schemaFingerprint({ includeCatalog: true }, { db: production.url }),
    ]);
    expect(a.fingerprint).to.match(/^[0-9a-f]{64}$/);
    expect(b.fingerprint).to.equal(a.fingerprint);
    expect(a.schemas).to.deep.equal(['public']);
    expect(a.counts).to.include({ relation: 4, index: 3, view: 1 });
    expect(a.catalog?.some((line) => line.includes('dbarch_history'))).to.equal(false);

    await applyMigrations({ source: { files: withPolicy }, placeholders: { default_role: 'member' } }, { db: production.url });
    const c = await schemaFingerprint({ includeCatalog: true }, { db: production.url });
    expect(c.fingerprint).to.not.equal(a.fingerprint);
    const added = (c.catalog ?? []).filter((line) => !(a.catalog ?? []).includes(line));
    expect(added.some((line) => line.startsWith('policy\t'))).to.equal(true);
  });
});
