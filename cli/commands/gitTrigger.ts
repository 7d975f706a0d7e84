import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { migrationEnvironments } from '../../app/migrationEnvironments.ts';
import { startMigration } from '../../app/startMigration.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import { DbarchError, isDbarchError } from '../../errors/DbarchError.ts';
import { loadPluginRegistry } from '../../plugins/loadPluginRegistry.ts';
import type { PluginRegistry } from '../../plugins/PluginRegistry.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { stateDir } from '../../runtime/stateDir.ts';
import { exitCodes } from '../exitCodes.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';
import { reportError } from '../reportError.ts';
import { withTemporal } from '../withTemporal.ts';

const execFileAsync = promisify(execFile);

const help = `Usage: dbarch git-trigger --repo <path> --branch <b> --spec <path-in-repo> --env <name> [--once | --interval 30s]

Watches a local git repository: for each new commit on the branch that touches the migrations directory (oldest
first) it starts the migration pipeline for the environment, planned from that commit's files (checked out under
$DBARCH_STATE_DIR/git-trigger/). The workflow id is migrate:<env>:git-<sha>, so a commit started twice attaches
to its run. The cursor (last commit seen) is kept in $DBARCH_STATE_DIR/git-trigger/<key>.json.
Prints one JSON line per commit: {"sha", "workflowId", "started"}.

Errors do not stop the watcher:
  - a commit that cannot be planned (its spec is invalid, a permanent coded error) is marked failed: its line is
    {"sha", "started": false, "error": {"code", "message"}}, the cursor moves past it and its sha is listed under
    "failed" in the cursor file; fix it with a new commit (the new commit starts its own pipeline).
  - anything else (Temporal or git unreachable, the spec at the branch tip invalid) ends this poll with the coded
    error on stderr; the cursor stays before the commit, so the next poll tries it again.
With --once the exit status is 1 when the poll failed or a commit was marked failed.`;

interface TriggerOptions {
  readonly repo: string;
  readonly branch: string;
  readonly spec: string;
  readonly env: string;
}

export interface TriggerLine {
  readonly sha: string;
  readonly workflowId?: string;
  readonly started: boolean;
  readonly error?: { readonly code: string; readonly message: string };
}

interface Cursor {
  readonly sha?: string;
  readonly failed?: readonly string[];
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('git-trigger', argv, {
    repo: { type: 'string' },
    branch: { type: 'string' },
    spec: { type: 'string' },
    env: { type: 'string' },
    once: { type: 'boolean' },
    interval: { type: 'string', default: '30s' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(help);
    return exitCodes.ok;
  }
  if (!values.repo || !values.branch || !values.spec || !values.env) throw new DbarchError('DBA_USAGE', 'git-trigger needs --repo, --branch, --spec and --env', { hint: 'Run `dbarch git-trigger --help`.' });
  const interval = parseDuration(values.interval);
  if (!interval.ok) throw new DbarchError('DBA_USAGE', `--interval: ${interval.message}`);
  const options: TriggerOptions = { repo: resolve(values.repo), branch: values.branch, spec: values.spec, env: values.env };
  const registry = await loadPluginRegistry();
  return withTemporal(async (temporal) => {
    for (;;) {
      try {
        const lines = await pollOnce(temporal.client, options, registry);
        if (values.once) return lines.some((line) => line.error) ? exitCodes.failed : exitCodes.ok;
      } catch (error) {
        if (values.once) throw error;
        reportError(error);
        console.error(`git-trigger: this poll failed; the cursor did not move, trying again in ${values.interval}.`);
      }
      await new Promise((done) => setTimeout(done, interval.value));
    }
  });
}

/**
 * One pass: every commit after the cursor that touches migrations, oldest first; the cursor moves after each
 * commit started or marked failed (a permanent coded error while planning it). Any other error ends the pass with
 * the cursor before the commit, so the next pass retries it.
 */
export async function pollOnce(client: Client, options: TriggerOptions, registry: PluginRegistry): Promise<TriggerLine[]> {
  const dir = join(stateDir(), 'git-trigger');
  mkdirSync(dir, { recursive: true });
  const key = createHash('sha256').update(JSON.stringify(options)).digest('hex').slice(0, 16);
  const cursorFile = join(dir, `${key}.json`);
  const cursor: Cursor = existsSync(cursorFile) ? (JSON.parse(readFileSync(cursorFile, 'utf8')) as Cursor) : {};
  const failed = [...(cursor.failed ?? [])];
  const save = (sha: string) => writeFileSync(cursorFile, JSON.stringify({ sha, at: new Date().toISOString(), failed }));
  const tip = (await git(options.repo, ['rev-parse', options.branch])).trim();
  // Which directory counts as "migrations": the one the spec names at the branch tip.
  const tipTree = await checkout(options.repo, tip, dir);
  const [env] = await migrationEnvironments(join(tipTree, options.spec), registry, options.env);
  if (!env) return [];
  const migrationsPath = relative(tipTree, env.directory) || '.';
  const range = cursor.sha ? `${cursor.sha}..${tip}` : tip;
  const shas = (await git(options.repo, ['rev-list', '--reverse', range, '--', migrationsPath])).split('\n').filter(Boolean);
  const out: TriggerLine[] = [];
  for (const sha of shas) {
    const tree = await checkout(options.repo, sha, dir);
    let line: TriggerLine;
    try {
      const started = await startMigration(client, { specPath: join(tree, options.spec), environment: options.env, taskQueue: dbarchConfig().taskQueue, registry, source: `git-${sha.slice(0, 12)}` });
      line = { sha, workflowId: started.workflowId, started: !started.alreadyDone };
    } catch (error) {
      // Only a permanent coded error is this commit's own fault; the rest may pass, so retry the commit next time.
      if (!isDbarchError(error) || error.retryable) throw error;
      line = { sha, started: false, error: { code: error.code, message: error.message } };
      failed.push(sha);
    }
    console.log(JSON.stringify(line));
    out.push(line);
    save(sha);
  }
  save(tip);
  return out;
}

/** git -C <repo> <args>, its stdout; a failure is a coded error naming the command and git's own message. */
async function git(repo: string, args: string[]): Promise<string> {
  try {
    return (await execFileAsync('git', ['-C', repo, ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    const stderr = stderrOf(error);
    throw new DbarchError('DBA_CONFIG_INVALID', `git ${args.join(' ')} failed in ${repo}: ${stderr || (error as Error).message}`, { hint: 'Check --repo (a local git repository) and --branch.', cause: error });
  }
}

/**
 * The commit's files under <dir>/trees/<sha> (once): `git archive` to a file, then `tar -x`, two commands whose
 * exit statuses are both checked (a pipe would hide a failing git), and `.complete` written only after both.
 */
async function checkout(repo: string, sha: string, dir: string): Promise<string> {
  const tree = join(dir, 'trees', sha);
  if (existsSync(join(tree, '.complete'))) return tree;
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  const archive = join(dir, 'trees', `${sha}.tar`);
  try {
    await git(repo, ['archive', '--format=tar', '-o', archive, sha]);
    await execFileAsync('tar', ['-x', '-f', archive, '-C', tree]).catch((error: unknown) => {
      throw new DbarchError('DBA_CONFIG_INVALID', `tar could not extract commit ${sha}: ${stderrOf(error) || (error as Error).message}`, { hint: 'Check free space and permissions under $DBARCH_STATE_DIR/git-trigger.', cause: error });
    });
  } finally {
    rmSync(archive, { force: true });
  }
  writeFileSync(join(tree, '.complete'), sha);
  return tree;
}

/** What a failed execFile printed on stderr, trimmed ('' when nothing). */
function stderrOf(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  return typeof stderr === 'string' ? stderr.trim() : Buffer.isBuffer(stderr) ? stderr.toString('utf8').trim() : '';
}
