import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInternalCa } from '../../activities/tls/createInternalCa.ts';
import { internalCaPem } from '../../activities/tls/internalCaPem.ts';
import { issueClientCertificate } from '../../activities/tls/issueClientCertificate.ts';
import { readTlsStatus } from '../../activities/tls/readTlsStatus.ts';
import { rotateClusterTls, type TlsRotation } from '../../activities/tls/rotateClusterTls.ts';
import { followStartedPlanRun } from '../followStartedPlanRun.ts';
import { applyTlsRotationSchedule, planTlsRotation, startTlsRotation } from '../../app/startTlsRotation.ts';
import { tlsTargetOfSpec } from '../../app/tlsTargetOfSpec.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { workflowUiUrl } from '../../runtime/startTemporal.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch tls rotate|status|client-cert|init-ca …

  rotate <spec> --cluster <name> [--force]
          Give every member of the managed cluster a server certificate of the internal CA
          (security_config.encryption.in_transit.internal_ca; a file:// CA is created on first use) and the spec's TLS
          settings, reissuing what is missing, rotation_days old, of another CA, or naming other hosts (--force: all),
          then reload running members (pg_reload_conf: open sessions keep their connection) and check that new
          connections are served the new certificate. Idempotent: nothing due, nothing changes. Runs here, where the
          members are (like cluster up).
  rotate <spec> --workflow [--env <name>] [--detach]
          The same for every managed cluster, as dbarch/tls_rotate on a worker (workflow tls-rotate:<env>:<time>).
  rotate <spec> --schedule [--env <name>]
          Create or update the daily Temporal Schedule tls-rotate:<env> running dbarch/tls_rotate.
  status <spec> --cluster <name>
          The CA, each member's certificate (serial, validity, when it is due) and what a new connection is served.
  client-cert <spec> --role <name> --out <dir>
          A client certificate of the internal CA for a role that logs in by certificate, written as <dir>/<role>.crt,
          <dir>/<role>.key (0600) and <dir>/ca.crt: what service_mesh.mtls names for DatabaseClient and the gateway.
  init-ca [--name <common name>]
          Print a new CA (PEM key and certificate) for an \${ENV} internal_ca reference.

Exit status: 0 done, 1 failed (a coded error says why), 2 usage error.`;

/** `dbarch tls …`: certificates of the clusters dbarch manages. */
export function run(argv: string[]): Promise<number> {
  const options = {
    cluster: { type: 'string' },
    role: { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
    env: { type: 'string' },
    force: { type: 'boolean' },
    workflow: { type: 'boolean' },
    schedule: { type: 'boolean' },
    detach: { type: 'boolean' },
  } as const;
  return runVerb({ name: 'tls', help, options, example: 'dbarch tls rotate specs/platform.yaml --cluster ha' }, argv, async ({ values, positionals, format, usage, specPathsAfterAction }) => {
    const [action] = positionals;
    const print = (value: unknown, text: () => void) => (format === 'json' ? console.log(JSON.stringify(value)) : text());
    if (action === 'init-ca') {
      process.stdout.write(await internalCaPem(await createInternalCa({ name: values.name ?? 'dbarch-internal-ca' })));
      return exitCodes.ok;
    }
    if (action !== 'rotate' && action !== 'status' && action !== 'client-cert') {
      throw new DbarchError('DBA_USAGE', `dbarch tls: unknown action ${action === undefined ? '(none)' : `"${action}"`}`, { hint: 'e.g. `dbarch tls rotate specs/platform.yaml --cluster ha`; see `dbarch tls --help`' });
    }
    const example = `dbarch tls ${action} specs/platform.yaml --cluster ha`;
    const paths = specPathsAfterAction(example);
    if (action === 'rotate' && (values.workflow === true || values.schedule === true)) return await viaTemporal(paths, values.env, values.schedule === true, values.detach === true, format);
    if (action === 'client-cert') {
      if (values.role === undefined || values.out === undefined) throw new DbarchError('DBA_USAGE', 'name the role with --role and the directory with --out', { hint: 'e.g. `dbarch tls client-cert specs/platform.yaml --role orders_service --out /run/secrets/dbarch`' });
      if (values.cluster === undefined) throw new DbarchError('DBA_USAGE', 'name the cluster with --cluster');
      const { tls } = await tlsTargetOfSpec(paths, values.cluster);
      const issued = await issueClientCertificate(tls, values.role);
      mkdirSync(values.out, { recursive: true, mode: 0o700 });
      const files = { certificate: path.join(values.out, `${issued.role}.crt`), key: path.join(values.out, `${issued.role}.key`), ca: path.join(values.out, 'ca.crt') };
      writeFileSync(files.certificate, issued.certificatePem);
      writeFileSync(files.key, issued.privateKeyPem, { mode: 0o600 });
      chmodSync(files.key, 0o600); // the mode above applies only when the file is created: an older key file may be looser
      writeFileSync(files.ca, issued.caPem);
      print({ role: issued.role, serial: issued.serial, notAfter: issued.notAfter, files }, () => console.log(`${issued.role}: certificate ${issued.serial} valid until ${issued.notAfter}\n  ${files.certificate}\n  ${files.key}\n  ${files.ca}`));
      return exitCodes.ok;
    }
    if (values.cluster === undefined) throw usage('name the cluster with --cluster', example);
    const { cluster, tls } = await tlsTargetOfSpec(paths, values.cluster);
    if (action === 'status') {
      const status = await readTlsStatus(cluster, tls);
      print(status, () => {
        console.log(`CA ${status.ca.subject}, valid until ${status.ca.notAfter}${status.ca.previous > 0 ? ` (${status.ca.previous} earlier CA still trusted)` : ''}; minimum ${status.minVersion}${status.cipherSuites.length > 0 ? `, suites ${status.cipherSuites.join(', ')}` : ''}`);
        for (const m of status.members) {
          const cert = m.certificate === null ? 'no certificate yet' : `certificate ${m.certificate.serial} until ${m.certificate.notAfter}, due ${m.certificate.due ? 'now' : m.certificate.dueAt}`;
          const served = m.served === null ? 'not running' : 'error' in m.served ? `probe failed: ${m.served.error}` : `serves ${m.served.current ? 'it' : `another certificate (${m.served.serial})`} over ${m.served.protocol ?? '?'} ${m.served.cipher}`;
          console.log(`${m.member.padEnd(12)} ${cert}; ${served}`);
        }
      });
      return exitCodes.ok;
    }
    const rotation = await rotateClusterTls(cluster, tls, { ...(values.force === true ? { force: true } : {}), progress: (message) => console.error(`tls ${cluster.name}: ${message}`) });
    print(rotation, () => printRotation(rotation));
    return exitCodes.ok;
  });
}

function printRotation(rotation: TlsRotation): void {
  for (const m of rotation.members) {
    const what = m.action === 'kept' ? 'kept' : `issued (${m.reason ?? '?'})`;
    console.log(`${m.member.padEnd(12)} ${what.padEnd(20)} ${m.serial} until ${m.notAfter}${m.reloaded ? ', reloaded' : ''}${m.restartNeeded ? ', restart to apply the TLS 1.3 suites' : ''}`);
  }
}

async function viaTemporal(paths: readonly string[], environment: string | undefined, schedule: boolean, detach: boolean, format: 'text' | 'json'): Promise<number> {
  const plan = await planTlsRotation(paths, environment);
  return withTemporal(async (temporal) => {
    const taskQueue = dbarchConfig().taskQueue;
    if (schedule) {
      const upserted = await applyTlsRotationSchedule(temporal.client, plan, taskQueue);
      if (format === 'json') console.log(JSON.stringify(upserted));
      else console.log(`schedule ${upserted.scheduleId} ${upserted.action} (${upserted.cron} UTC); next runs ${upserted.nextRuns.join(', ')}`);
      return exitCodes.ok;
    }
    const started = await startTlsRotation(temporal.client, plan, taskQueue);
    const uiUrl = workflowUiUrl(temporal, started.workflowId) ?? null;
    if (format === 'text') console.log(`Rotating TLS certificates: workflow ${started.workflowId}  run ${started.runId}${uiUrl ? `\n${uiUrl}` : ''}`);
    const followed = await followStartedPlanRun(temporal.client, started, { uiUrl, format, detach });
    if ('exitCode' in followed) return followed.exitCode;
    const output = followed.result.steps.rotate?.output as { clusters: TlsRotation[] } | undefined;
    if (format === 'text') for (const rotation of output?.clusters ?? []) printRotation(rotation);
    return exitCodes.ok;
  });
}
