import { expect } from 'chai';
import { lintMigrations } from '../../activities/migrations/lint/lintMigrations.ts';
import { lintCases } from './lintCases.ts';

describe('lintMigrations', () => {
  it('has at least 30 cases in its table', () => expect(lintCases.length).to.be.at.least(30));

  for (const testCase of lintCases) {
    it(`${testCase.name}: ${testCase.expected.length === 0 ? 'clean' : testCase.expected.join(', ')}`, async () => {
      const files = [
        { name: 'V1__base.sql', sql: 'SELECT 1;' },
        { name: 'V2__case.sql', sql: testCase.sql },
        ...(testCase.undo ? [{ name: 'U2__case.sql', sql: 'SELECT 1;' }] : []),
      ];
      const report = await lintMigrations({ source: { files } });
      expect(report.findings.map((f) => f.ruleId).sort()).to.deep.equal(testCase.expected);
    });
  }

  it('reports a syntax error as a coded finding with file, line and column', async () => {
    const report = await lintMigrations({
      source: { files: [{ name: 'V1__bad.sql', sql: "-- comment\nCREATE TABLE ${s}.t (id int);\nSELECT 'é' FORM t;\n" }] },
      placeholders: { s: 'a_much_longer_schema_name' },
    });
    expect(report.ok).to.equal(false);
    expect(report.findings).to.have.length(1);
    expect(report.findings[0]).to.include({ ruleId: 'syntax-error', code: 'DBA_MIGRATION_SYNTAX', severity: 'error', script: 'V1__bad.sql', line: 3, column: 17 });
  });

  it('places findings at the statement as written, before placeholder substitution', async () => {
    const report = await lintMigrations({
      source: { files: [{ name: 'V1__x.sql', sql: 'SELECT 1; ALTER TABLE ${schema}.users DROP COLUMN x;' }, { name: 'U1__x.sql', sql: 'SELECT 1;' }] },
      placeholders: { schema: 'public' },
    });
    expect(report.findings.map((f) => [f.ruleId, f.line, f.column])).to.deep.equal([['drop-column', 1, 11]]);
  });

  it('reports unknown placeholders only when an environment is given', async () => {
    const source = { files: [{ name: 'V1__x.sql', sql: 'CREATE TABLE ${schema}.t (id int);' }] };
    expect((await lintMigrations({ source })).findings).to.deep.equal([]);
    const report = await lintMigrations({ source, placeholders: {} });
    expect(report.findings.map((f) => [f.ruleId, f.code, f.line, f.column])).to.deep.equal([['unknown-placeholder', 'DBA_MIGRATION_PLACEHOLDER_UNKNOWN', 1, 14]]);
  });

  it('turns bad file names into findings and leaves undo scripts free to drop', async () => {
    const report = await lintMigrations({
      source: { files: [{ name: 'V1__t.sql', sql: 'CREATE TABLE t (id int);' }, { name: 'U1__t.sql', sql: 'DROP TABLE t;' }, { name: 'V2-bad.sql', sql: '' }] },
    });
    expect(report.findings.map((f) => [f.ruleId, f.code, f.script])).to.deep.equal([['invalid-file', 'DBA_MIGRATION_FILENAME', 'V2-bad.sql']]);
  });

  it('lets a rule be switched off or made stricter', async () => {
    const source = { files: [{ name: 'V1__x.sql', sql: 'ALTER TABLE users RENAME TO people;\nCREATE INDEX i ON t (x);' }] };
    const report = await lintMigrations({ source, rules: { rename: 'off', 'create-index-non-concurrent': 'error' } });
    expect(report.findings.map((f) => [f.ruleId, f.severity])).to.deep.equal([['create-index-non-concurrent', 'error']]);
    expect(report.counts).to.deep.equal({ error: 1, warning: 0, info: 0 });
  });
});
