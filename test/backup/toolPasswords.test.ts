import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { closeActivityDeps, createActivityDeps, type ActivityDeps } from '../../activities/ActivityDeps.ts';
import { backupActivities } from '../../activities/backup/backupActivities.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { createScratchCopy, dropScratch } from '../../plugins/migrations/scratchCopy.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { testLog } from '../support/temporal.ts';
import { runInActivity } from './runInActivity.ts';

type Tool = 'pg_dump' | 'pg_restore' | 'psql';

/** One start of a tool, as its wrapper saw it: the exact argv it was given and the PGPASSWORD it inherited. */
interface Invocation {
  readonly tool: string;
  readonly argv: string[];
  readonly pgpassword: string;
}

/**
 * A directory of pg_dump/pg_restore/psql wrappers (used as DBARCH_PG_BINDIR) that log their exact argv and the
 * PGPASSWORD they received, then exec the real program (or, with `fail`, print the given text to stderr and exit 1).
 * What a wrapper is started with is what `ps` and /proc/<pid>/cmdline show every local user.
 */
function toolWrappers(fail?: string): { dir: string; invocations: () => Invocation[] } {
  const dir = mkdtempSync(join(tmpdir(), 'dbarch-tools-'));
  const log = join(dir, 'invocations.log');
  for (const tool of ['pg_dump', 'pg_restore', 'psql'] as Tool[]) {
    const real = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    const tail = fail === undefined ? `exec '${real}' "$@"` : `printf '%s\\n' "${fail}" >&2\nexit 1`;
    const path = join(dir, tool);
    writeFileSync(
      path,
      `#!/bin/sh
{ printf 'tool %s\\n' '${tool}'; for a in "$@"; do printf 'argv %s\\n' "$a"; done; printf 'pgpassword %s\\n' "\${PGPASSWORD-}"; printf 'end\\n'; } >> '${log}'
${tail}
`,
    );
    chmodSync(path, 0o755);
  }
  const invocations = () => {
    if (!existsSync(log)) return [];
    const out: Invocation[] = [];
    let current: { tool: string; argv: string[]; pgpassword: string } | null = null;
    for (const line of readFileSync(log, 'utf8').split('\n')) {
      const [kind, ...rest] = line.split(' ');
      const value = rest.join(' ');
      if (kind === 'tool') current = { tool: value, argv: [], pgpassword: '' };
      else if (kind === 'argv') current?.argv.push(value);
      else if (kind === 'pgpassword' && current) current.pgpassword = value;
      else if (kind === 'end' && current) out.push(current);
    }
    return out;
  };
  return { dir, invocations };
}

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function rejection(promise: Promise<unknown>): Promise<DbarchError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).to.be.instanceOf(DbarchError);
  return error as DbarchError;
}

describe('backup and scratch-copy tools never get the password on their command line', function () {
  this.timeout(120_000);
  const admin = serviceUrls().postgres;
  const role = `dbarch_t_pw_${randomBytes(4).toString('hex')}`;
  // Characters that need URL encoding, so both the encoded and the decoded form are looked for.
  const password = `S3cr3t:p@ss/${randomBytes(6).toString('hex')}`;
  const secrets = [password, encodeURIComponent(password)];
  let db: TestDatabase;
  let roleUrl: string;
  let deps: ActivityDeps;
  let directory: string;
  const cleanup: string[] = [];

  const expectNoSecret = (text: string, where: string) => {
    for (const secret of secrets) expect(text, `${where} carries the password`).to.not.contain(secret);
  };
  /** Every tool start: no password anywhere in argv, PGPASSWORD set to it when the tool connects, and a URL for our role. */
  const expectSafeInvocations = (invocations: Invocation[], tools: Tool[]) => {
    expect(invocations.map((i) => i.tool)).to.include.members(tools);
    for (const invocation of invocations) {
      expectNoSecret(invocation.argv.join('\n'), `argv of ${invocation.tool}`);
      const dbname = invocation.argv.find((a) => a.startsWith('--dbname='));
      if (invocation.tool === 'pg_restore' || invocation.argv.includes('--version')) continue; // these never connect
      expect(dbname, `${invocation.tool} is given its database`).to.be.a('string');
      expect(new URL(dbname!.slice('--dbname='.length)).username).to.equal(role);
      expect(invocation.pgpassword, `${invocation.tool} gets the password in its environment`).to.equal(password);
    }
  };

  before(async () => {
    await sql(admin, `CREATE ROLE ${role} LOGIN CREATEDB PASSWORD '${password}'`);
    db = await freshDatabase('tool_pw');
    await sql(admin.replace(/\/[^/]*$/, `/${db.name}`), `ALTER DATABASE ${db.name} OWNER TO ${role}; ALTER SCHEMA public OWNER TO ${role}`);
    const url = new URL(db.url);
    url.username = role;
    url.password = encodeURIComponent(password);
    roleUrl = url.toString();
    expect(roleUrl).to.contain(encodeURIComponent(password));
    await sql(roleUrl, `CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY, v text); INSERT INTO app.t VALUES (1, 'one');
                        CREATE SCHEMA dbarch_history; CREATE TABLE dbarch_history.schema_history (id int); INSERT INTO dbarch_history.schema_history VALUES (1);`);
    deps = createActivityDeps(serviceUrls(), testLog);
    directory = mkdtempSync(join(tmpdir(), 'dbarch-backup-pw-'));
    cleanup.push(directory);
  });

  after(async () => {
    await closeActivityDeps(deps);
    await db.drop();
    await sql(admin, `DROP ROLE IF EXISTS ${role}`);
    for (const path of cleanup) rmSync(path, { recursive: true, force: true });
  });

  it('dumpSchemas and restoreSchemas: pg_dump and psql get the password in PGPASSWORD only', async () => {
    const tools = toolWrappers();
    cleanup.push(tools.dir);
    const activities = backupActivities(deps, { pgBinDir: tools.dir });
    const destination = pathToFileURL(directory).href;
    const dumped = await runInActivity(activities.dumpSchemas, { databaseUrl: roleUrl, schemas: ['app'], destination, backupId: 'pw-1' });
    await sql(roleUrl, `DELETE FROM app.t`);
    await runInActivity(activities.restoreSchemas, { databaseUrl: roleUrl, destination, manifest: dumped.manifest });
    const client = new pg.Client({ connectionString: roleUrl });
    await client.connect();
    try {
      expect((await client.query('SELECT v FROM app.t')).rows).to.deep.equal([{ v: 'one' }]);
    } finally {
      await client.end();
    }
    expectSafeInvocations(tools.invocations(), ['pg_dump', 'psql', 'pg_restore']);
  });

  it('createScratchCopy: pg_dump and psql get the password in PGPASSWORD only', async () => {
    const tools = toolWrappers();
    cleanup.push(tools.dir);
    const previous = process.env.DBARCH_PG_BINDIR;
    process.env.DBARCH_PG_BINDIR = tools.dir;
    const scratch = `dbarch_t_pw_scratch_${randomBytes(4).toString('hex')}`;
    try {
      await createScratchCopy(roleUrl, scratch, 'dbarch_history', new AbortController().signal);
    } finally {
      if (previous === undefined) delete process.env.DBARCH_PG_BINDIR;
      else process.env.DBARCH_PG_BINDIR = previous;
      await dropScratch(admin, scratch);
    }
    const invocations = tools.invocations();
    expect(invocations.map((i) => i.tool)).to.deep.equal(['pg_dump', 'pg_dump', 'psql', 'psql']);
    expectSafeInvocations(invocations, ['pg_dump', 'psql']);
  });

  it('tool output that repeats the connection is kept redacted in error details and messages', async () => {
    // What a tool might print: the URL it was given and the password it used.
    const echo = `connection to postgres://${role}:${encodeURIComponent(password)}@127.0.0.1/x failed for password "$PGPASSWORD"`;
    const tools = toolWrappers(echo);
    cleanup.push(tools.dir);
    const activities = backupActivities(deps, { pgBinDir: tools.dir });
    const destination = pathToFileURL(join(directory, 'failing')).href;
    mkdirSync(join(directory, 'failing'), { recursive: true });

    const dump = await rejection(runInActivity(activities.dumpSchemas, { databaseUrl: roleUrl, schemas: ['app'], destination, backupId: 'pw-fail' }));
    expect(dump.code).to.equal('DBA_BACKUP_DUMP_FAILED');
    expect(String(dump.details.stderr)).to.contain('***');

    const ok = toolWrappers();
    cleanup.push(ok.dir);
    const dumped = await runInActivity(backupActivities(deps, { pgBinDir: ok.dir }).dumpSchemas, { databaseUrl: roleUrl, schemas: ['app'], destination, backupId: 'pw-2' });
    const restore = await rejection(runInActivity(activities.restoreSchemas, { databaseUrl: roleUrl, destination, manifest: dumped.manifest }));
    expect(restore.code).to.be.oneOf(['DBA_BACKUP_RESTORE_FAILED', 'DBA_BACKUP_RESTORE_TRANSIENT']);

    const previous = process.env.DBARCH_PG_BINDIR;
    process.env.DBARCH_PG_BINDIR = tools.dir;
    const scratch = `dbarch_t_pw_scratch_${randomBytes(4).toString('hex')}`;
    let copy: DbarchError;
    try {
      copy = await rejection(createScratchCopy(roleUrl, scratch, 'dbarch_history', new AbortController().signal));
    } finally {
      if (previous === undefined) delete process.env.DBARCH_PG_BINDIR;
      else process.env.DBARCH_PG_BINDIR = previous;
      await dropScratch(admin, scratch);
    }
    expect(copy.code).to.equal('DBA_PIPELINE_SCRATCH');

    for (const [name, error] of [['dump', dump], ['restore', restore], ['scratch copy', copy]] as const) {
      const cause = error.cause instanceof Error ? `${error.cause.message}\n${JSON.stringify(error.cause)}` : '';
      expectNoSecret(`${error.message}\n${JSON.stringify(error.details)}\n${cause}`, `the ${name} error`);
    }
  });
});
