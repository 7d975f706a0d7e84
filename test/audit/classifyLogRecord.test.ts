import { expect } from 'chai';
import { classifyLogRecord } from '../../activities/audit/classifyLogRecord.ts';

const source = { id: 'm1/postgresql.json:0', cluster: 'ha', member: 'm1' };
const roleRecord = (statement: string) => ({
  timestamp: '2026-12-02 03:01:02.345 UTC',
  user: 'postgres',
  error_severity: 'LOG',
  // pgaudit's CSV: a statement with commas or quotes is quoted, its quotes doubled.
  message: `AUDIT: SESSION,1,1,ROLE,ALTER ROLE,,,"${statement.replaceAll('"', '""')}",<not logged>`,
});

describe('audit events of role statements (classifyLogRecord)', () => {
  it('ship a privilege change without the password it sets (pgaudit logs the statement as written)', () => {
    for (const [statement, secret] of [
      ["ALTER ROLE app PASSWORD 'hunter2, or ''so'''", 'hunter2'],
      ["CREATE ROLE app LOGIN ENCRYPTED password E'tr\\'ick'", 'ick'],
      ['CREATE USER app WITH PASSWORD $pw$dollar secret$pw$ VALID UNTIL \'2030-01-01\'', 'dollar secret'],
    ] as const) {
      const event = classifyLogRecord(roleRecord(statement), new Set(['privilege_change']), source);
      expect(event?.class).to.equal('privilege_change');
      expect(event?.statement).to.match(/^(ALTER|CREATE) (ROLE|USER) app /);
      expect(event?.statement).to.include("'<redacted>'");
      expect(JSON.stringify(event)).to.not.include(secret);
    }
    const grant = classifyLogRecord(roleRecord('GRANT SELECT ON t TO app'), new Set(['privilege_change']), source);
    expect(grant?.statement).to.equal('GRANT SELECT ON t TO app');
  });
});
