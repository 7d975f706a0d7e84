import type { FailoverCluster } from '../../activities/failover/FailoverCluster.ts';

/** What every failover/* step gets: the cluster (from the capability's step defaults, or the app's choice). */
export interface FailoverStepInput {
  readonly cluster: FailoverCluster;
}

const member = {
  type: 'object',
  required: ['name', 'host', 'port'],
  properties: { name: { type: 'string', minLength: 1 }, host: { type: 'string', minLength: 1 }, port: { type: 'integer', minimum: 1, maximum: 65535 }, dataDir: { type: 'string', minLength: 1 } },
  additionalProperties: false,
};

/** JSON Schema of FailoverCluster, checked when planning. */
export const failoverClusterSchema = {
  type: 'object',
  required: ['name', 'members', 'replication', 'health'],
  properties: {
    name: { type: 'string', minLength: 1 },
    members: { type: 'array', items: member },
    replication: {
      type: 'object',
      required: ['mode', 'method', 'count'],
      properties: { mode: { enum: ['async', 'sync', 'strict'] }, method: { enum: ['ANY', 'FIRST'] }, count: { type: 'integer', minimum: 1 } },
      additionalProperties: false,
    },
    health: {
      type: 'object',
      required: ['intervalMs', 'timeoutMs', 'unhealthyThreshold'],
      properties: { intervalMs: { type: 'integer', minimum: 1 }, timeoutMs: { type: 'integer', minimum: 1 }, unhealthyThreshold: { type: 'integer', minimum: 1 } },
      additionalProperties: false,
    },
    controlUrl: { type: 'string', minLength: 1 },
    dataDirectory: { type: 'string', minLength: 1 },
    audit: {
      type: 'object',
      required: ['classes'],
      properties: { classes: { type: 'array', items: { type: 'string', minLength: 1 } } },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
} as const;

/** A step input schema: the cluster plus the step's own fields. */
export function failoverStepSchema(extra: Record<string, object> = {}): object {
  // `to`: a switchover's target, given to every step of the plan (only demote and promote read it).
  return { type: 'object', required: ['cluster'], properties: { cluster: failoverClusterSchema, to: { type: 'string', minLength: 1 }, ...extra }, additionalProperties: false };
}
