import { baseline } from '../../activities/migrations/baseline.ts';
import { dryRun } from '../../activities/migrations/dryRun.ts';
import { lintMigrations } from '../../activities/migrations/lint/lintMigrations.ts';
import { repairHistory } from '../../activities/migrations/repairHistory.ts';
import { awaitPlanRun } from '../../app/awaitPlanRun.ts';
import { migrationEnvironments } from '../../app/migrationEnvironments.ts';
import { startMigration } from '../../app/startMigration.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { loadPluginRegistry } from '../../plugins/loadPluginRegistry.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { workflowUiUrl } from '../../runtime/startTemporal.ts';
import { exitCodes } from '../exitCodes.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch migrate <spec> --env <name> [--wait] [--format text|json]
       dbarch migrate <spec> [--env <name>] --dry-run [--format json]
       dbarch migrate lint <spec> [--env <name>] [--format json]
       dbarch migrate repair <spec> --env <name>
       dbarch migrate baseline <spec> --env <name> --version <v> [--description <text>]

Starts the migration pipeline (dbarch/migration_pipeline, or the spec's own migration_pipeline) for an environment:
lint → test on a scratch copy → report → approval where require_approval → backup where backup_before_migrate →
apply → verify → schema registry. The workflow id is migrate:<env>:<plan hash>: the same spec and files attach to
the run already started. --wait waits for the end (exit 1 if it failed or was rolled back).

--dry-run starts nothing: it prints, per environment, the exact SQL that would run, in order (reading each
database's history; offline when it cannot be reached). lint is offline (exit 1 on error findings). repair and
baseline act on the environment's history table directly.`;

export async function run(argv: string[]): Promise<number> {
  const sub = argv[0] === 'lint' || argv[0] === 'repair' || argv[0] === 'baseline' ? argv[0] : undefined;
  const { values, positionals } = parseCommandArgs('migrate', sub ? argv.slice(1) : argv, {
    env: { type: 'string' },
    'dry-run': { type: 'boolean' },
    wait: { type: 'boolean' },
    version: { type: 'string' },
    description: { type: 'string' },
    format: { type: 'string', default: 'text' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(help);
    return exitCodes.ok;
  }
  const specPath = positionals[0];
  if (!specPath) throw new DbarchError('DBA_USAGE', 'name the spec file', { hint: 'e.g. `dbarch migrate specs/platform.yaml --env staging`' });
  const json = values.format === 'json';
  const registry = await loadPluginRegistry();

  if (sub === 'lint') {
    const [env] = await migrationEnvironments(specPath, registry, values.env);
    if (!env) throw new DbarchError('DBA_USAGE', 'the spec declares no deployment environment to lint for');
    const report = await lintMigrations({ source: { dir: env.directory } });
    if (json) console.log(JSON.stringify(report, null, 2));
    else {
      for (const f of report.findings) console.log(`${env.directory}/${f.script}:${f.line}:${f.column} ${f.severity} ${f.ruleId}: ${f.message}${f.hint ? `\n  hint: ${f.hint}` : ''}`);
      console.log(`${report.files} files, ${report.statements} statements: ${report.counts.error} error(s), ${report.counts.warning} warning(s)`);
    }
    return report.ok ? exitCodes.ok : exitCodes.failed;
  }
  if (sub === 'repair' || sub === 'baseline') {
    if (!values.env) throw new DbarchError('DBA_USAGE', `dbarch migrate ${sub} needs --env <name>`);
    const [env] = await migrationEnvironments(specPath, registry, values.env);
    if (!env) return exitCodes.failed;
    if (sub === 'baseline' && !values.version) throw new DbarchError('DBA_USAGE', 'dbarch migrate baseline needs --version <v>');
    const report =
      sub === 'repair'
        ? await repairHistory({ source: { dir: env.directory }, installedBy: 'dbarch migrate repair' }, { db: env.url })
        : await baseline({ version: values.version ?? '', ...(values.description ? { description: values.description } : {}), installedBy: 'dbarch migrate baseline' }, { db: env.url });
    console.log(json ? JSON.stringify(report, null, 2) : `${sub} on ${env.name} (${env.database}): ${JSON.stringify(report)}`);
    return exitCodes.ok;
  }
  if (values['dry-run']) {
    const reports = [];
    for (const env of await migrationEnvironments(specPath, registry, values.env)) {
      const report = await dryRun({ source: { dir: env.directory }, environment: env.name }, { db: env.url }).catch(() => dryRun({ source: { dir: env.directory }, environment: env.name }, {}));
      reports.push(report);
      if (json) continue;
      console.log(`== ${env.name} (${env.database}${report.connected ? `, at version ${report.currentVersion ?? 'none'}` : ', offline: history not read'}): ${report.steps.length} to run`);
      for (const step of report.steps) console.log(`-- ${step.order}. ${step.script}${step.transactional ? '' : ' (no transaction)'}\n${step.sql.trimEnd()}\n`);
      for (const issue of report.issues) console.log(`!! ${issue.code}: ${issue.script}: ${issue.message}`);
    }
    if (json) console.log(JSON.stringify(reports, null, 2));
    return reports.some((r) => r.issues.length > 0) ? exitCodes.failed : exitCodes.ok;
  }

  const environment = values.env;
  if (!environment) throw new DbarchError('DBA_USAGE', '--env <name> is required', { hint: 'e.g. `dbarch migrate specs/platform.yaml --env staging`, or --dry-run for every environment' });
  return withTemporal(async (temporal) => {
    const started = await startMigration(temporal.client, { specPath, environment, taskQueue: dbarchConfig().taskQueue, registry });
    const uiUrl = workflowUiUrl(temporal, started.workflowId) ?? null;
    if (json) console.log(JSON.stringify({ workflowId: started.workflowId, runId: started.runId, planHash: started.plan.hash, uiUrl }));
    else {
      console.log(`${started.alreadyDone ? 'Already migrated' : 'Migrating'}: ${started.plan.summary} (plan ${started.plan.hash.slice(0, 12)})`);
      console.log(`workflow ${started.workflowId}${uiUrl ? `  ${uiUrl}` : ''}`);
      if (started.plan.root.nodes.some((node) => node.kind === 'gate')) console.log(`approval: dbarch approve ${started.workflowId} ${started.plan.approvals ? '--token-file <token from ' + started.plan.approvals.issuer + '>' : '--as <identity>'} --plan-hash ${started.plan.hash}`);
    }
    if (!values.wait) return exitCodes.ok;
    const outcome = await awaitPlanRun(temporal.client, started.workflowId, started.runId);
    if (!outcome.ok) {
      const rollback = outcome.result?.steps.checkpoint?.compensation;
      console.error(`${outcome.code}: ${outcome.message}`);
      if (rollback) console.error(`rollback ${rollback.status}: ${JSON.stringify(rollback.output ?? rollback.lastError ?? null)}`);
      return exitCodes.failed;
    }
    if (!json) console.log(`${outcome.result.phase}: ${Object.keys(outcome.result.steps).length} steps`);
    return exitCodes.ok;
  });
}
