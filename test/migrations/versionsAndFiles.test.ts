import { expect } from 'chai';
import { compareVersions } from '../../activities/migrations/compareVersions.ts';
import { loadMigrations, readMigrationSet } from '../../activities/migrations/loadMigrations.ts';
import { parseMigrationFilename } from '../../activities/migrations/parseMigrationFilename.ts';
import { expectCode } from './expectCode.ts';

describe('migration files and versions', () => {
  const ordered = ['0.9', '1', '1.1', '1.2', '1.9', '1.10', '1.10.1', '2', '10', '20240501120000', '202405011200001'];
  it('orders numeric and dotted versions numerically', () => {
    const shuffled = [...ordered].reverse();
    expect(shuffled.sort(compareVersions)).to.deep.equal(ordered);
  });

  for (const [a, b] of [['1', '001'], ['1', '1.0'], ['1.2', '1_2'], ['2.0.0', '2']]) {
    it(`treats ${a} and ${b} as the same version`, () => expect(compareVersions(a ?? '', b ?? '')).to.equal(0));
  }

  const names: [string, ReturnType<typeof parseMigrationFilename>][] = [
    ['V1__create_users.sql', { kind: 'versioned', version: '1', description: 'create users' }],
    ['V1_2__add_email.sql', { kind: 'versioned', version: '1.2', description: 'add email' }],
    ['V2.10__x.sql', { kind: 'versioned', version: '2.10', description: 'x' }],
    ['U1_2__drop_email.sql', { kind: 'undo', version: '1.2', description: 'drop email' }],
    ['R__views.sql', { kind: 'repeatable', version: null, description: 'views' }],
    ['V1_create.sql', null],
    ['V__nothing.sql', null],
    ['v1__lower.sql', null],
    ['V1__.sql', null],
    ['R_views.sql', null],
  ];
  for (const [name, expected] of names) {
    it(`reads ${name}`, () => expect(parseMigrationFilename(name)).to.deep.equal(expected));
  }

  it('reports every bad file at once with its code', async () => {
    const { problems } = await readMigrationSet({
      files: [
        { name: 'V1__a.sql', sql: 'SELECT 1;' },
        { name: 'V001__again.sql', sql: 'SELECT 1;' },
        { name: 'V2_oops.sql', sql: 'SELECT 1;' },
        { name: 'U3__orphan.sql', sql: 'SELECT 1;' },
        { name: 'V4__bad_directive.sql', sql: '-- dbarch:lock-timeout soon\n-- dbarch:frobnicate\nSELECT 1;' },
        { name: 'notes.txt', sql: 'ignored' },
      ],
    });
    expect(problems.map((p) => [p.code, p.script, p.line])).to.deep.equal([
      ['DBA_MIGRATION_FILENAME', 'V2_oops.sql', 1],
      ['DBA_MIGRATION_DIRECTIVE', 'V4__bad_directive.sql', 1],
      ['DBA_MIGRATION_DIRECTIVE', 'V4__bad_directive.sql', 2],
      ['DBA_MIGRATION_DUPLICATE', 'V001__again.sql', 1],
      ['DBA_MIGRATION_UNDO_ORPHAN', 'U3__orphan.sql', 1],
    ]);
    await expectCode(loadMigrations({ files: [{ name: 'V2_oops.sql', sql: '' }] }), 'DBA_MIGRATION_FILENAME');
  });

  it('reads directives from the header only and gives CRLF files the same checksum', async () => {
    const set = await loadMigrations({
      files: [
        { name: 'V1__a.sql', sql: '-- why: big table\n-- dbarch:no-transaction\n-- dbarch:lock-timeout 5s\nSELECT 1;\n-- dbarch:no-placeholders\n' },
        { name: 'V2__b.sql', sql: '\uFEFFSELECT 1;\r\nSELECT 2;\r\n' },
        { name: 'V3__c.sql', sql: 'SELECT 1;\nSELECT 2;\n' },
      ],
    });
    expect(set.versioned[0]?.directives).to.deep.equal({ transaction: false, placeholders: true, lockTimeout: '5s', statementTimeout: null });
    expect(set.versioned[1]?.checksum).to.equal(set.versioned[2]?.checksum);
  });

  it('rejects a missing directory with a coded error', async () => {
    await expectCode(loadMigrations({ dir: '/nonexistent/migrations' }), 'DBA_MIGRATION_SOURCE');
  });
});
