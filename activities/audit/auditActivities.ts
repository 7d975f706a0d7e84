import path from 'node:path';
import { Context } from '@temporalio/activity';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { stateDir } from '../../runtime/stateDir.ts';
import type { ActivityDeps } from '../ActivityDeps.ts';
import { openObjectStore } from '../backup/store/openObjectStore.ts';
import type { AuditClass } from './AuditClass.ts';
import type { AuditProgress } from './AuditProgress.ts';
import type { AuditTarget } from './AuditTarget.ts';
import { collectAudit, type AuditSource } from './collectAudit.ts';
import { hecAuditTarget } from './hecAuditTarget.ts';
import { s3AuditTarget } from './s3AuditTarget.ts';

/** The collector activity's input: what the audit workflow carries (references, resolved here on the worker). */
export interface AuditActivityInput {
  readonly cluster: string;
  readonly sources: readonly AuditSource[];
  readonly classes: readonly AuditClass[];
  /** `s3://bucket/prefix/` or a reference to one. */
  readonly s3?: { readonly destination: string };
  /** HEC base URL and token as references (`${SPLUNK_HEC_TOKEN}`). */
  readonly hec?: { readonly url: string; readonly token: string; readonly index?: string };
  /** State and spools; default `<DBARCH_STATE_DIR>/audit/<cluster>` on the worker. */
  readonly directory?: string;
  readonly spoolMaxBytes?: number;
  readonly pollIntervalMs?: number;
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  readonly runForMs: number;
}

const defaultSpoolMaxBytes = 256 * 1024 * 1024;

/** The audit collector as an activity the audit workflow calls by name. */
export function auditActivities(deps: ActivityDeps) {
  return {
    collectAudit: async (input: AuditActivityInput): Promise<AuditProgress> => {
      const context = Context.current();
      const targets: AuditTarget[] = [];
      if (input.s3 !== undefined) targets.push(s3AuditTarget(openObjectStore(resolved(input.s3.destination, 's3.destination'))));
      if (input.hec !== undefined) {
        targets.push(hecAuditTarget({ url: resolved(input.hec.url, 'splunk.url'), token: resolved(input.hec.token, 'splunk.token'), ...(input.hec.index === undefined ? {} : { index: input.hec.index }) }));
      }
      if (targets.length === 0) throw new DbarchError('DBA_AUDIT_INPUT', `the audit collector of ${input.cluster} has no target`, { hint: 'give s3 and/or hec' });
      return collectAudit(
        {
          cluster: input.cluster,
          sources: input.sources,
          classes: input.classes,
          targets,
          directory: input.directory ?? path.join(stateDir(), 'audit', input.cluster),
          spoolMaxBytes: input.spoolMaxBytes ?? defaultSpoolMaxBytes,
          runForMs: input.runForMs,
          ...(input.pollIntervalMs === undefined ? {} : { pollIntervalMs: input.pollIntervalMs }),
          ...(input.retryInitialMs === undefined ? {} : { retryInitialMs: input.retryInitialMs }),
          ...(input.retryMaxMs === undefined ? {} : { retryMaxMs: input.retryMaxMs }),
        },
        { signal: context.cancellationSignal, heartbeat: (progress) => context.heartbeat(progress), log: deps.log.child({ audit: input.cluster, attempt: context.info.attempt }) },
      );
    },
  };
}

function resolved(reference: string, field: string): string {
  const result = resolveEnvReferences(reference, process.env);
  if (!result.ok) throw new DbarchError('DBA_AUDIT_INPUT', `security_config.audit_logging.${field} ${reference}: ${result.message}`, result.hint ? { hint: result.hint } : {});
  return result.value;
}

export type AuditActivities = ReturnType<typeof auditActivities>;
