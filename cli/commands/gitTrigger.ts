import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { loadPluginRegistry } from '../../plugins/loadPluginRegistry.ts';
import type { PluginRegistry } from '../../plugins/PluginRegistry.ts';
import { stateDir } from '../../runtime/stateDir.ts';
import { defaultTaskQueue } from '../../worker.ts';
import { connectTemporal } from '../connectTemporal.ts';
import { exitCodes } from '../exitCodes.ts';
import { migrationEnvironments } from '../migrationEnvironments.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';
import { startMigration } from '../startMigration.ts';

const git = promisify(execFile);

const help = `Usage: dbarch git-trigger --repo <path> --branch <b> --spec <path-in-repo> --env <name> [--once | --interval 30s]

Watches a local git repository: for each new commit on the branch that touches the migrations directory (oldest
first) it starts the migration pipeline for the environment, planned from that commit's files (checked out under
$DBARCH_STATE_DIR/git-trigger/). The workflow id is migrate:<env>:git-<sha>, so a commit started twice attaches
to its run. The cursor (last commit seen) is kept in $DBARCH_STATE_DIR/git-trigger/<key>.json.
Prints one JSON line per commit: {"sha", "workflowId", "started"}.`;

interface TriggerOptions {
  readonly repo: string;
  readonly branch: string;
  readonly spec: string;
  readonly env: string;
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
  const temporal = await connectTemporal();
  try {
    for (;;) {
      await pollOnce(temporal.client, options, registry);
      if (values.once) return exitCodes.ok;
      await new Promise((done) => setTimeout(done, interval.value));
    }
  } finally {
    await temporal.close();
  }
}

/** One pass: every commit after the cursor that touches migrations, oldest first; the cursor moves after each. */
export async function pollOnce(client: Client, options: TriggerOptions, registry: PluginRegistry): Promise<{ sha: string; workflowId: string; started: boolean }[]> {
  const dir = join(stateDir(), 'git-trigger');
  mkdirSync(dir, { recursive: true });
  const key = createHash('sha256').update(JSON.stringify(options)).digest('hex').slice(0, 16);
  const cursorFile = join(dir, `${key}.json`);
  const cursor = existsSync(cursorFile) ? (JSON.parse(readFileSync(cursorFile, 'utf8')) as { sha?: string }).sha : undefined;
  const tip = (await git('git', ['-C', options.repo, 'rev-parse', options.branch])).stdout.trim();
  // Which directory counts as "migrations": the one the spec names at the branch tip.
  const tipTree = await checkout(options.repo, tip, dir);
  const [env] = await migrationEnvironments(join(tipTree, options.spec), registry, options.env);
  if (!env) return [];
  const migrationsPath = relative(tipTree, env.directory) || '.';
  const range = cursor ? `${cursor}..${tip}` : tip;
  const shas = (await git('git', ['-C', options.repo, 'rev-list', '--reverse', range, '--', migrationsPath])).stdout.split('\n').filter(Boolean);
  const out = [];
  for (const sha of shas) {
    const tree = await checkout(options.repo, sha, dir);
    const started = await startMigration(client, { specPath: join(tree, options.spec), environment: options.env, taskQueue: process.env.DBARCH_TASK_QUEUE || defaultTaskQueue, registry, source: `git-${sha.slice(0, 12)}` });
    const line = { sha, workflowId: started.workflowId, started: !started.alreadyDone };
    console.log(JSON.stringify(line));
    out.push(line);
    writeFileSync(cursorFile, JSON.stringify({ sha, at: new Date().toISOString() }));
  }
  writeFileSync(cursorFile, JSON.stringify({ sha: tip, at: new Date().toISOString() }));
  return out;
}

/** The commit's files under <dir>/trees/<sha> (git archive, once): the worker reads the migrations from there. */
async function checkout(repo: string, sha: string, dir: string): Promise<string> {
  const tree = join(dir, 'trees', sha);
  if (existsSync(join(tree, '.complete'))) return tree;
  mkdirSync(tree, { recursive: true });
  await promisify(execFile)('sh', ['-c', 'git -C "$0" archive "$1" | tar -x -C "$2"', repo, sha, tree]);
  writeFileSync(join(tree, '.complete'), sha);
  return tree;
}
