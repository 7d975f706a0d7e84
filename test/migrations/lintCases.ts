/**
 * Risky and safe statements with the rule ids lint must report (sorted; one id per finding). Each case is
 * linted as V2__case.sql; `undo` adds U2__case.sql, `header` goes before the SQL.
 */
export interface LintCase {
  readonly name: string;
  readonly sql: string;
  readonly expected: readonly string[];
  readonly undo?: boolean;
}

const noTx = '-- dbarch:no-transaction\n';

export const lintCases: readonly LintCase[] = [
  { name: 'drop table without undo', sql: 'DROP TABLE users;', expected: ['destructive-without-undo', 'drop-table'] },
  { name: 'drop table with undo', sql: 'DROP TABLE users;', expected: ['drop-table'], undo: true },
  { name: 'drop column', sql: 'ALTER TABLE users DROP COLUMN email;', expected: ['destructive-without-undo', 'drop-column'] },
  { name: 'truncate', sql: 'TRUNCATE audit_log;', expected: ['destructive-without-undo', 'truncate'] },
  { name: 'drop schema', sql: 'DROP SCHEMA legacy CASCADE;', expected: ['destructive-without-undo', 'drop-schema'] },
  { name: 'column type change', sql: 'ALTER TABLE users ALTER COLUMN id TYPE bigint;', expected: ['alter-column-type'] },
  { name: 'column type change on a new table', sql: 'CREATE TABLE t (id int);\nALTER TABLE t ALTER COLUMN id TYPE bigint;', expected: [] },
  { name: 'volatile default gen_random_uuid', sql: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();', expected: ['volatile-default'] },
  { name: 'volatile default random', sql: 'ALTER TABLE users ADD COLUMN r float8 DEFAULT random();', expected: ['volatile-default'] },
  { name: 'serial column added', sql: 'ALTER TABLE users ADD COLUMN seq bigserial;', expected: ['volatile-default'] },
  { name: 'identity column added', sql: 'ALTER TABLE users ADD COLUMN n int GENERATED ALWAYS AS IDENTITY;', expected: ['volatile-default'] },
  { name: 'stable default now()', sql: 'ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();', expected: [] },
  { name: 'constant default with NOT NULL', sql: "ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'active';", expected: [] },
  { name: 'NOT NULL column without default', sql: 'ALTER TABLE users ADD COLUMN status text NOT NULL;', expected: ['not-null-column-without-default'] },
  { name: 'SET DEFAULT volatile (no rewrite)', sql: 'ALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();', expected: [] },
  { name: 'SET NOT NULL alone', sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;', expected: ['set-not-null'] },
  {
    name: 'SET NOT NULL after a validated check',
    sql:
      'ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\n' +
      'ALTER TABLE users VALIDATE CONSTRAINT email_nn;\n' +
      'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n' +
      'ALTER TABLE users DROP CONSTRAINT email_nn;',
    expected: [],
  },
  {
    name: 'SET NOT NULL after an unvalidated check',
    sql: 'ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    expected: ['set-not-null'],
  },
  { name: 'index without CONCURRENTLY', sql: 'CREATE INDEX users_email ON users (email);', expected: ['create-index-non-concurrent'] },
  { name: 'unique index without CONCURRENTLY', sql: 'CREATE UNIQUE INDEX users_email ON public.users (email);', expected: ['create-index-non-concurrent'] },
  { name: 'CONCURRENTLY inside a transaction', sql: 'CREATE INDEX CONCURRENTLY users_email ON users (email);', expected: ['non-transactional-statement'] },
  { name: 'CONCURRENTLY in a no-transaction file', sql: `${noTx}CREATE INDEX CONCURRENTLY users_email ON users (email);`, expected: [] },
  { name: 'index on a table created in the same file', sql: 'CREATE TABLE t (id int, x int);\nCREATE INDEX t_x ON t (x);', expected: [] },
  { name: 'index on a CREATE TABLE AS table', sql: 'CREATE TABLE snap AS SELECT 1 AS a;\nCREATE INDEX ON snap (a);', expected: [] },
  { name: 'DROP INDEX CONCURRENTLY inside a transaction', sql: 'DROP INDEX CONCURRENTLY users_email;', expected: ['non-transactional-statement'] },
  { name: 'VACUUM inside a transaction', sql: 'VACUUM users;', expected: ['non-transactional-statement'] },
  { name: 'foreign key validated at once', sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id);', expected: ['foreign-key-not-valid'] },
  { name: 'foreign key NOT VALID', sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;', expected: [] },
  { name: 'validate constraint', sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_user;', expected: [] },
  { name: 'column added with REFERENCES', sql: 'ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users (id);', expected: ['foreign-key-not-valid'] },
  { name: 'new table with a foreign key', sql: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));', expected: [] },
  { name: 'check constraint validated at once', sql: 'ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total >= 0);', expected: ['check-not-valid'] },
  { name: 'check constraint NOT VALID', sql: 'ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total >= 0) NOT VALID;', expected: [] },
  { name: 'rename column', sql: 'ALTER TABLE users RENAME COLUMN email TO mail;', expected: ['rename'] },
  { name: 'rename table', sql: 'ALTER TABLE users RENAME TO people;', expected: ['rename'] },
  { name: 'BEGIN and COMMIT', sql: 'BEGIN;\nCREATE TABLE t (id int);\nCOMMIT;', expected: ['transaction-control', 'transaction-control'] },
  { name: 'savepoints are fine', sql: 'SAVEPOINT a;\nCREATE TABLE t (id int);\nRELEASE SAVEPOINT a;', expected: [] },
  { name: 'several statements without a transaction', sql: `${noTx}CREATE INDEX CONCURRENTLY a ON t (x);\nCREATE INDEX CONCURRENTLY b ON t (y);`, expected: ['no-transaction-multiple-statements'] },
  {
    name: 'suppressed for the next statement, with a reason',
    sql: '-- dbarch-lint-disable-next-statement drop-table, destructive-without-undo -- approved in review #42\nDROP TABLE old_sessions;',
    expected: [],
  },
  {
    name: 'suppression covers only the next statement',
    sql: '/* dbarch-lint-disable-next-statement drop-table */\nDROP TABLE a;\nDROP TABLE b;',
    expected: ['destructive-without-undo', 'destructive-without-undo', 'drop-table'],
  },
  {
    name: 'suppressed for the whole file',
    sql: '-- dbarch-lint-disable-file create-index-non-concurrent\nCREATE INDEX a ON t (x);\nCREATE INDEX b ON t (y);',
    expected: [],
  },
  { name: 'suppression naming an unknown rule', sql: '-- dbarch-lint-disable-next-statement drop-tables\nDROP TABLE a;', expected: ['destructive-without-undo', 'drop-table', 'invalid-suppression'] },
  { name: 'syntax error', sql: 'SELEC 1;', expected: ['syntax-error'] },
  { name: 'DROP TABLE inside a string literal', sql: "INSERT INTO notes (body) VALUES ('DROP TABLE users; TRUNCATE x');", expected: [] },
  { name: 'DROP TABLE inside a comment', sql: '-- DROP TABLE users;\n/* TRUNCATE users; */\nSELECT 1;', expected: [] },
  { name: 'DROP TABLE inside a function body', sql: "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ DELETE FROM t $$;\nDO $$ BEGIN EXECUTE 'DROP TABLE t'; END $$;", expected: [] },
  { name: 'plain insert', sql: "INSERT INTO users (email) VALUES ('a@example.com');", expected: [] },
];
