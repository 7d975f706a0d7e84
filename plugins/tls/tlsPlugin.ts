import { managedCluster } from '../../activities/cluster/ManagedCluster.ts';
import { clusterTlsOfSpec } from '../../activities/tls/ClusterTls.ts';
import { rotateClusterTls, type TlsRotation } from '../../activities/tls/rotateClusterTls.ts';
import type { JsonObject } from '../../plan/Plan.ts';
import { definePlugin } from '../definePlugin.ts';
import { hostVersion } from '../hostVersion.ts';
import type { StepContext } from '../StepContext.ts';
import type { TlsStepInput } from './TlsStepInput.ts';

const inputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['tls', 'clusters'],
  properties: {
    tls: { type: 'object' },
    clusters: { type: 'array', items: { type: 'object' } },
    cluster: { type: 'string', minLength: 1 },
    force: { type: 'boolean' },
  },
};

/**
 * The TLS capability: certificates of the internal CA for the clusters dbarch manages (security_config's
 * authentication and encryption.in_transit). `tls/rotate` reissues what is due and reloads the members; the shipped
 * dbarch/tls_rotate runs it, from `dbarch tls rotate --workflow` and the daily Schedule tls-rotate:<env>.
 * Each run decides again from the certificates on disk, so a retried or repeated run reissues nothing twice.
 */
export const tlsPlugin = definePlugin({
  name: 'tls',
  version: hostVersion,
  host: '*',
  description: 'TLS of managed clusters: an internal CA, server certificates, cert auth for service roles, rotation with reload.',
  reads: ['security_config', 'clusters'],
  planning: {
    stepDefaults: (sections) => {
      const tls = clusterTlsOfSpec(sections);
      if (tls === undefined) return undefined;
      const clusters = (sections.clusters ?? []).filter((c) => c.members !== undefined);
      return { tls, clusters } as unknown as JsonObject;
    },
  },
  procedures: [new URL('../../procedures/tls_rotate.yaml', import.meta.url)],
  defaults: { timeout: '10m', heartbeatTimeout: '1m', retry: { attempts: 5, initialInterval: '2s', nonRetryable: ['DBA_TLS_CA_MISSING', 'DBA_TLS_CA_INVALID', 'DBA_CLUSTER_UNKNOWN'] } },
  steps: () => ({
    rotate: {
      input: inputSchema,
      describe: (input: TlsStepInput) => `reissue due certificates of ${input.cluster ?? 'every managed cluster'} (internal CA ${input.tls.caName}, every ${input.tls.rotationDays} days)${input.force === true ? ', all of them (force)' : ''}, reload the members`,
      run: async (input: TlsStepInput, ctx: StepContext): Promise<{ clusters: TlsRotation[] }> => {
        const names = input.cluster !== undefined ? [input.cluster] : input.clusters.map((c) => c.name);
        const out: TlsRotation[] = [];
        for (const name of names) {
          const cluster = managedCluster(input.clusters, name);
          out.push(await rotateClusterTls(cluster, input.tls, { ...(input.force === undefined ? {} : { force: input.force }), progress: (message) => ctx.heartbeat({ cluster: name, message }) }));
        }
        return { clusters: out };
      },
    },
  }),
});
