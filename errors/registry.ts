import type { ErrorCodeInfo } from './codes/ErrorCodeInfo.ts';
import { approvalCodes } from './codes/approvals.ts';
import { auditCodes } from './codes/audit.ts';
import { backupCodes } from './codes/backup.ts';
import { cacheCodes } from './codes/cache.ts';
import { blueGreenCodes } from './codes/bluegreen.ts';
import { cliCodes } from './codes/cli.ts';
import { cdcCodes } from './codes/cdc.ts';
import { clusterCodes } from './codes/cluster.ts';
import { dataPlaneCodes } from './codes/dataplane.ts';
import { dnsCodes } from './codes/dns.ts';
import { failoverCodes } from './codes/failover.ts';
import { foundationCodes } from './codes/foundation.ts';
import { keyCodes } from './codes/keys.ts';
import { migrationCodes } from './codes/migrations.ts';
import { monitoringCodes } from './codes/monitoring.ts';
import { pipelineCodes } from './codes/pipeline.ts';
import { pitrCodes } from './codes/pitr.ts';
import { queueCodes } from './codes/queue.ts';
import { replicationCodes } from './codes/replication.ts';
import { runtimeCodes } from './codes/runtime.ts';
import { securityCodes } from './codes/security.ts';
import { shippingCodes } from './codes/shipping.ts';
import { specCodes } from './codes/spec.ts';
import { tlsCodes } from './codes/tls.ts';

/**
 * The one registry of stable error codes. Each area keeps its table in errors/codes/; a code is never
 * reused or renamed once released. docs/errors.md is generated from this object and a test keeps them equal.
 */
export const errorCodes = {
  ...approvalCodes,
  ...auditCodes,
  ...backupCodes,
  ...blueGreenCodes,
  ...cacheCodes,
  ...cliCodes,
  ...cdcCodes,
  ...clusterCodes,
  ...dataPlaneCodes,
  ...dnsCodes,
  ...failoverCodes,
  ...foundationCodes,
  ...keyCodes,
  ...migrationCodes,
  ...monitoringCodes,
  ...pipelineCodes,
  ...pitrCodes,
  ...queueCodes,
  ...replicationCodes,
  ...runtimeCodes,
  ...securityCodes,
  ...shippingCodes,
  ...specCodes,
  ...tlsCodes,
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof errorCodes;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorCodes, value);
}
