import { followStartedPlanRun } from '../followStartedPlanRun.ts';
import { planKeyRotation, startKeyRotation } from '../../app/startKeyRotation.ts';
import type { RewrapReport } from '../../activities/keys/rewrapStoredKeys.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { workflowUiUrl } from '../../runtime/startTemporal.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch keys rotate <spec> [--env <name>] [--detach] [--format text|json]

rotate   starts dbarch/key_rotation as the workflow key-rotation:<cluster>:<time> on a worker: every stored backup
         data key (base backup manifests, schema dump manifests, archived WAL headers, cross-region copies) is
         unwrapped and wrapped again under the current key, the KMS key that security_config.encryption.at_rest.key_id
         (or base_backups.encryption_key, aws-kms://…) names now. No data is re-encrypted; a retried run skips what is
         done. Waits for the end (exit 1 if it failed); --detach prints the workflow id and returns.
         JSON: {"workflowId","runId","uiUrl","result"}.

On schedule: \`dbarch schedule apply <spec>\` creates the Temporal Schedule key-rotation:<cluster> every
at_rest.key_rotation. KMS endpoint and region: at_rest.endpoint / region, else AWS_ENDPOINT_URL_KMS / AWS_REGION on
the worker.`;

/** `dbarch keys rotate <spec>`: key rotation of the backup data keys, as a workflow. */
export function run(argv: string[]): Promise<number> {
  const options = {
    env: { type: 'string' },
    detach: { type: 'boolean' },
  } as const;
  return runVerb({ name: 'keys', help, options, example: 'dbarch keys rotate specs/platform.yaml' }, argv, async ({ values, positionals, format, specPathsAfterAction }) => {
    const [subcommand] = positionals;
    if (subcommand !== 'rotate') throw new DbarchError('DBA_USAGE', subcommand === undefined ? 'dbarch keys: say what to do' : `dbarch keys: no subcommand "${subcommand}"`, { hint: 'Use `dbarch keys rotate <spec>`.' });
    const planned = await planKeyRotation(specPathsAfterAction(), values.env);
    return withTemporal(async (temporal) => {
      const started = await startKeyRotation(temporal.client, planned, dbarchConfig().taskQueue);
      const uiUrl = workflowUiUrl(temporal, started.workflowId) ?? null;
      if (format === 'text') {
        console.log(`Rotating the backup keys of ${planned.cluster}: workflow ${started.workflowId}  run ${started.runId}`);
        if (uiUrl) console.log(uiUrl);
      }
      const followed = await followStartedPlanRun(temporal.client, started, { uiUrl, format, detach: values.detach === true });
      if ('exitCode' in followed) return followed.exitCode;
      const report = followed.result.steps.rewrap?.output as RewrapReport | undefined;
      if (format === 'text' && report) {
        const { baseBackups, schemaDumps, walFiles } = report.rewrapped;
        console.log(`backup data keys under ${report.keyId}: re-wrapped ${baseBackups} base backups, ${schemaDumps} schema dumps, ${walFiles} WAL files; ${report.skipped} already current`);
      }
      return exitCodes.ok;
    });
  });
}
