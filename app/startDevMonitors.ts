import type { Client } from '@temporalio/client';
import type { CompiledSpec } from '../compiler/CompiledSpec.ts';
import { isDbarchError } from '../errors/DbarchError.ts';
import type { CapabilityCatalog } from '../plan/CapabilityCatalog.ts';
import { managedClusters } from '../plugins/failover/failoverClusterOf.ts';
import { planClusterProcedure } from './planClusterProcedure.ts';
import { publishedEpoch } from './publishedEpoch.ts';
import { startMonitor } from './startMonitor.ts';

/**
 * `dbarch dev`'s monitors: `dbarch monitor` for every managed cluster of the spec with a replica, so a newcomer
 * who kills the primary sees the failover happen. A cluster that is not up, or whose monitor cannot be planned, is
 * reported and skipped.
 */
export async function startDevMonitors(client: Client, spec: CompiledSpec, paths: readonly string[], registry: CapabilityCatalog, taskQueue: string, controlUrl: string, print: (line: string) => void): Promise<void> {
  for (const name of managedClusters(spec)) {
    try {
      // A cluster that did not come up has no published topology: nothing to watch yet.
      if ((await publishedEpoch(controlUrl, name)) === 0) {
        print(`✗ monitor  ${name} not started: the cluster has no published topology (it is not up)`);
        continue;
      }
      const { cluster, plan } = await planClusterProcedure({ paths, cluster: name, registry });
      if (cluster.members.length < 2) continue;
      const started = await startMonitor(client, { cluster, failoverPlan: plan }, taskQueue);
      const { intervalMs, unhealthyThreshold } = cluster.health;
      print(`✓ monitor  ${started.workflowId}${started.alreadyRunning ? ' (already running)' : ''}: a check every ${intervalMs} ms, failover after ${unhealthyThreshold} failed (try: kill -9 the primary's postmaster, then \`dbarch topology ${paths[0] ?? '<spec>'} --cluster ${name}\`)`);
    } catch (error) {
      if (!isDbarchError(error)) throw error;
      print(`✗ monitor  ${name} not started: ${error.code}: ${error.message}`);
    }
  }
}
