import { awaitPlanRun } from '../../app/awaitPlanRun.ts';
import { cdcEnvironmentOf } from '../../app/cdcEnvironmentOf.ts';
import { cdcWorkflowInput } from '../../app/cdcWorkflowInput.ts';
import { dropCdcSlotOfInput } from '../../app/dropCdcSlotOfInput.ts';
import { startCdcDropSlot } from '../../app/startCdcDropSlot.ts';
import { untilGateOrEnd } from '../../app/untilGateOrEnd.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { Plan } from '../../plan/Plan.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { workflowUiUrl } from '../../runtime/startTemporal.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch cdc drop-slot <spec> [--env <name>] [--wait] [--gate-wait <seconds>] [--format text|json]
       dbarch cdc drop-slot <spec> --approve [--env <name>]          (unprotected environments only)

Drops cdc_config's replication slot and publication. The WAL the slot holds that was not yet published (its lag)
is lost, so the drop waits for an approval: this starts dbarch/cdc_drop_slot (inspect → approval gate → drop) as
workflow cdc_drop_slot:<env>:<database>:<slot>:<confirmed LSN>, waits until the gate is open (at most --gate-wait,
default 60 s) and prints how to approve or reject it from the Temporal UI and the CLI. In a protected environment
with security_config.approvals the gate takes a verified token. A rejection keeps the slot. Stop the stream first
(dbarch cancel cdc:<database>): a slot a stream reads is not dropped.

The environment: --env, else the deployment_config environment whose database is cdc_config.database (a
protected one first), else unprotected. --approve drops here at once, without a workflow: refused in a protected
environment (DBA_CDC_DROP_PROTECTED).

  --wait        wait for the decision and the drop (exit 1 when rejected or failed)
JSON: {"workflowId", "runId", "environment", "protected", "slot", "planHash", "gate", "uiUrl"}; a missing slot
{"slot": {...}, "workflowId": null}; with --approve {"before", "droppedSlot", "droppedPublication"}.`;

/** `dbarch cdc drop-slot <spec>`: the gated procedure, or `--approve` in unprotected environments. */
export function run(argv: string[]): Promise<number> {
  const options = {
    env: { type: 'string' },
    database: { type: 'string' },
    approve: { type: 'boolean' },
    wait: { type: 'boolean' },
    'gate-wait': { type: 'string', default: '60' },
  } as const;
  return runVerb({ name: 'cdc drop-slot', help, options, example: 'dbarch cdc drop-slot specs/platform.yaml' }, argv, async ({ values, format, specPaths, usage }) => {
    const paths = specPaths();
    const gateWaitMs = Number(values['gate-wait']) * 1000;
    if (!Number.isFinite(gateWaitMs) || gateWaitMs < 0) throw usage(`--gate-wait ${values['gate-wait']}: a number of seconds`);
    const input = await cdcWorkflowInput(paths, values.database === undefined ? {} : { database: values.database });
    const environment = await cdcEnvironmentOf(paths, input.database, values.env);

    if (values.approve === true) {
      if (environment.protected) {
        throw new DbarchError('DBA_CDC_DROP_PROTECTED', `environment ${environment.name} is protected: --approve does not drop its CDC slot`, { hint: `run \`dbarch cdc drop-slot ${paths.join(' ')} --env ${environment.name}\` without --approve and decide at its approval gate` });
      }
      const result = await dropCdcSlotOfInput(input, true);
      if (format === 'json') console.log(JSON.stringify(result));
      else console.log(result.droppedSlot ? `Dropped slot ${result.before.slot} (${result.before.lagBytes ?? 0} bytes unpublished were discarded)` : `Slot ${result.before.slot} did not exist`);
      return exitCodes.ok;
    }
    if (values.database !== undefined) throw usage('--database is not taken by the gated drop: the procedure drops cdc_config\'s slot (set cdc_config.database, or use --approve in an unprotected environment)');
    return withTemporal(async (temporal) => {
      const run = await startCdcDropSlot(temporal.client, paths, input, environment, dbarchConfig().taskQueue);
      if (run.started === null) {
        if (format === 'json') console.log(JSON.stringify({ workflowId: null, environment: environment.name, protected: environment.protected, slot: run.slot }));
        else console.log(`Slot ${run.slot.slot} does not exist: nothing to drop`);
        return exitCodes.ok;
      }
      const { workflowId, runId } = run.started;
      const reached = await untilGateOrEnd(temporal.client.workflow.getHandle(workflowId, runId), gateWaitMs);
      const uiUrl = workflowUiUrl(temporal, workflowId) ?? null;
      if (format === 'json') {
        console.log(JSON.stringify({ workflowId, runId, environment: environment.name, protected: environment.protected, slot: run.slot, planHash: run.plan.hash, gate: reached, uiUrl }));
      } else {
        console.log(`${run.started.alreadyDone ? 'Already ran' : 'Dropping'} slot ${run.slot.slot} of ${input.database} in ${environment.name}${environment.protected ? ' (protected)' : ''}: ${run.slot.lagBytes ?? 0} bytes not yet published would be lost${run.slot.active ? `; a stream reads it, stop it first (dbarch cancel cdc:${input.database})` : ''}`);
        console.log(`workflow ${workflowId}  run ${runId}`);
        if (reached !== 'ended') printHowToDecide(run.plan, workflowId, uiUrl, reached);
      }
      if (values.wait !== true && reached !== 'ended') return exitCodes.ok;
      const outcome = await awaitPlanRun(temporal.client, workflowId, runId);
      if (!outcome.ok) {
        if (format === 'text') console.error(`${outcome.code}: ${outcome.message}`);
        return exitCodes.failed;
      }
      if (format === 'text') console.log(`${outcome.result.phase}: slot ${run.slot.slot} dropped`);
      return exitCodes.ok;
    });
  });
}

/** The gate's decision from the Temporal UI and from the CLI: a verified token where the plan requires one. */
function printHowToDecide(plan: Plan, workflowId: string, uiUrl: string | null, reached: 'gate' | 'timeout'): void {
  const gate = plan.root.nodes.find((node) => node.kind === 'gate');
  const identity = (gate?.kind === 'gate' ? gate.roles.flatMap((role) => plan.roles[role] ?? []) : [])[0] ?? '<identity>';
  const decision = JSON.stringify({ ...(plan.approvals ? { token: `<JWT from ${plan.approvals.issuer}>` } : { identity }), planHash: plan.hash, comment: 'the lag may be lost' });
  const cliAs = plan.approvals ? '--token-file <file>' : `--as ${identity}`;
  console.log(reached === 'gate' ? '⏸ waiting for approval at gate "approve"' : '… no worker has reached the gate yet; it will wait there for approval');
  if (uiUrl) console.log(`  Temporal UI: ${uiUrl}`);
  console.log(`    → "Send Update", update name: approve (or reject), input: ${decision}`);
  console.log(`  CLI: dbarch approve ${workflowId} ${cliAs} --plan-hash ${plan.hash}`);
  console.log(`       dbarch reject ${workflowId} ${cliAs} --comment <why>   (the slot stays)`);
}
