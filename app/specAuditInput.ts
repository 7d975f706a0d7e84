import { auditClassesOf } from '../activities/audit/AuditClass.ts';
import { auditLogDirectory } from '../activities/audit/auditLogDirectory.ts';
import { memberPaths } from '../activities/cluster/memberPaths.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import type { AuditWorkflowInput } from '../workflows/auditWorkflow.ts';
import { managedClusterOfSpec } from './managedClusterOfSpec.ts';

/** Log targets the collector ships to; the schema's others (elasticsearch, datadog, file, syslog, stdout) it does not yet. */
const shippedTargets = new Set(['s3', 'splunk']);

/**
 * The audit workflow's input from a spec: the managed cluster's members and their jsonlog directories, the classes
 * of security_config.audit_logging.events, and its s3 and splunk targets as references (the worker resolves them).
 * DBA_AUDIT_INPUT when auditing is off or a named target has no settings or is not shipped.
 */
export async function specAuditInput(paths: readonly string[], clusterName: string): Promise<AuditWorkflowInput> {
  const { spec, cluster } = await managedClusterOfSpec(paths, clusterName);
  const audit = spec.security_config?.audit_logging;
  if (audit === undefined || !audit.enabled) {
    throw new DbarchError('DBA_AUDIT_INPUT', `${paths.join(', ')} does not enable security_config.audit_logging`, { hint: 'set `security_config.audit_logging.enabled: true` with its log_targets and events' });
  }
  const unsupported = audit.log_targets.filter((target) => !shippedTargets.has(target));
  if (unsupported.length > 0) {
    throw new DbarchError('DBA_AUDIT_INPUT', `the audit collector does not ship to ${unsupported.join(', ')}`, { hint: 'log_targets: s3 and/or splunk', details: { unsupported } });
  }
  const wantS3 = audit.log_targets.includes('s3');
  const wantSplunk = audit.log_targets.includes('splunk');
  if (wantS3 && audit.s3 === undefined) throw new DbarchError('DBA_AUDIT_INPUT', 'log_targets has s3 but security_config.audit_logging has no s3.destination', { hint: 'add `s3: { destination: s3://bucket/prefix/ }`' });
  if (wantSplunk && audit.splunk === undefined) throw new DbarchError('DBA_AUDIT_INPUT', 'log_targets has splunk but security_config.audit_logging has no splunk.url and token', { hint: 'add `splunk: { url: ${SPLUNK_HEC_URL}, token: ${SPLUNK_HEC_TOKEN} }`' });
  return {
    cluster: cluster.name,
    sources: cluster.members.map((member) => ({ member: member.name, logDirectory: auditLogDirectory(memberPaths(cluster, member)) })),
    classes: auditClassesOf(audit.events),
    ...(wantS3 && audit.s3 !== undefined ? { s3: { destination: audit.s3.destination } } : {}),
    ...(wantSplunk && audit.splunk !== undefined ? { hec: { url: audit.splunk.url, token: audit.splunk.token, ...(audit.splunk.index === undefined ? {} : { index: audit.splunk.index }) } } : {}),
    ...(audit.spool_max_bytes === undefined ? {} : { spoolMaxBytes: audit.spool_max_bytes }),
  };
}
