import type { Client } from '@temporalio/client';
import pg from 'pg';
import { migrationEnvironments } from '../app/migrationEnvironments.ts';
import { startMigration } from '../app/startMigration.ts';
import type { Plan } from '../plan/Plan.ts';
import type { PluginRegistry } from '../plugins/PluginRegistry.ts';
import { interpreterMessages } from '../workflows/interpreter/interpreterMessages.ts';
import type { InterpreterResult } from '../workflows/interpreter/InterpreterTypes.ts';

export interface DevPipelineOutcome {
  readonly environment: string;
  readonly workflowId: string;
  readonly plan: Plan;
  readonly state: 'completed' | 'awaiting-approval';
}

/**
 * `dbarch dev`'s main job: create every deployment environment's database (idempotent), run the migration pipeline
 * for each in spec order, wait for those without a gate to complete and for the gated ones to open their gate.
 */
export async function runDevPipelines(client: Client, input: { specPath: string; taskQueue: string; registry: PluginRegistry; print: (line: string) => void; uiLink: (workflowId: string) => string | undefined }): Promise<DevPipelineOutcome[]> {
  const outcomes: DevPipelineOutcome[] = [];
  for (const env of await migrationEnvironments(input.specPath, input.registry)) {
    const created = await ensureDatabase(env.url, env.database);
    input.print(`✓ database ${env.database} for ${env.name}${created ? ' created' : ' exists'}`);
    const started = await startMigration(client, { specPath: input.specPath, environment: env.name, taskQueue: input.taskQueue, registry: input.registry });
    const handle = client.workflow.getHandle<(i: unknown) => Promise<InterpreterResult>>(started.workflowId);
    const gated = started.plan.root.nodes.some((node) => node.kind === 'gate');
    input.print(`  pipeline ${started.workflowId}: ${started.plan.summary}`);
    if (!gated) {
      const result = await handle.result();
      input.print(`✓ ${env.name} migrated (${result.phase})`);
      outcomes.push({ environment: env.name, workflowId: started.workflowId, plan: started.plan, state: 'completed' });
      continue;
    }
    for (;;) {
      const status = await handle.query(interpreterMessages.status);
      if (status.awaitingApproval) break;
      if (status.phase === 'succeeded') break;
      if (status.phase === 'failed' || status.phase === 'rejected' || status.phase === 'cancelled') throw new Error(`pipeline ${started.workflowId} ended ${status.phase}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const done = (await handle.describe()).status.name === 'COMPLETED';
    outcomes.push({ environment: env.name, workflowId: started.workflowId, plan: started.plan, state: done ? 'completed' : 'awaiting-approval' });
    if (done) {
      input.print(`✓ ${env.name} migrated (approved earlier)`);
      continue;
    }
    const identity = Object.values(started.plan.roles)[0]?.[0] ?? '<identity>';
    // A protected environment with security_config.approvals takes a token from its identity provider instead.
    const verified = started.plan.approvals;
    const json = JSON.stringify({ ...(verified ? { token: `<JWT from ${verified.issuer}>` } : { identity }), planHash: started.plan.hash, comment: 'reviewed the migration report' });
    input.print(`⏸ ${env.name} is waiting for approval at gate "approve" (review the "report" step's output first).`);
    const link = input.uiLink(started.workflowId);
    if (link) input.print(`  Temporal UI: ${link}`);
    input.print(`    → "Send Update", update name: approve, input: ${json}`);
    input.print(`    (or "Send Signal" approveSignal with the same JSON)`);
    input.print(`  CLI: dbarch approve ${started.workflowId} ${verified ? '--token-file <file>' : `--as ${identity}`} --plan-hash ${started.plan.hash}`);
  }
  return outcomes;
}

/** CREATE DATABASE unless it exists; true when created. */
async function ensureDatabase(url: string, database: string): Promise<boolean> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), application_name: 'dbarch:dev' });
  await client.connect();
  try {
    if ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1) return false;
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`).catch((error: { code?: string }) => {
      if (error.code !== '42P04') throw error; // created meanwhile by another dev run
    });
    return true;
  } finally {
    await client.end();
  }
}
