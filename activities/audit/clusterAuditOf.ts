import type { DeepReadonly } from '../../compiler/DeepReadonly.ts';
import type { SecurityConfig } from '../../compiler/sections/security_config/schema.ts';
import { auditClassesOf, type AuditClass } from './AuditClass.ts';

/** What a managed cluster's servers need for the audit trail: the audited classes (ManagedCluster.audit). */
export interface ClusterAudit {
  readonly classes: readonly AuditClass[];
}

/** The spec's enabled audit_logging as ManagedCluster's `audit` field, to spread into it; {} when auditing is off. */
export function clusterAuditOf(security: DeepReadonly<SecurityConfig> | undefined): { audit?: ClusterAudit } {
  const audit = security?.audit_logging;
  if (audit === undefined || !audit.enabled) return {};
  return { audit: { classes: auditClassesOf(audit.events) } };
}
