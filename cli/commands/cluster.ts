import { stopCluster } from '../../activities/cluster/stopCluster.ts';
import { clusterTlsOfSpec } from '../../activities/tls/ClusterTls.ts';
import { clusterRejoin } from '../../app/clusterRejoin.ts';
import { clusterUp } from '../../app/clusterUp.ts';
import { managedClusterOfSpec } from '../../app/managedClusterOfSpec.ts';
import { withControlDatabase } from '../../app/withControlDatabase.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';

const help = `Usage: dbarch cluster up|down|rejoin|drill <spec> --cluster <name> [--member <name>] [--format text|json]

  up      Provision the cluster's members on this machine (initdb, pg_basebackup, start) and publish its initial
          topology. Idempotent: running members are left alone, stopped ones started, missing ones created; a
          stopped former primary rejoins as a standby. Nothing changes when a member's port is taken by something
          else, a member runs but does not answer, or a member is not on this machine.
  down    Stop every member (fast shutdown); the data stays.
  rejoin  Make --member a standby of the published primary through pg_rewind (a former primary after a failover),
          then republish the topology with it among the replicas.
  drill   A failover drill measuring the write gap of a switchover, now or on a schedule (dbarch cluster drill --help).

Members live under clusters[].data_directory/<cluster>/<member> and run as the postgres user.
Exit status: 0 done, 1 failed (a coded error says why), 2 usage error.`;

/** `dbarch cluster up|down|rejoin <spec> --cluster <name>`. */
export function run(argv: string[]): Promise<number> {
  const options = { cluster: { type: 'string' }, member: { type: 'string' } } as const;
  // drill talks to Temporal and has options of its own: its module parses them.
  const subVerbs = { drill: () => import('./clusterDrill.ts') };
  return runVerb({ name: 'cluster', help, options, example: 'dbarch cluster up specs/platform.yaml --cluster ha', subVerbs }, argv, async ({ values, positionals, format, usage, specPathsAfterAction }) => {
    const [action] = positionals;
    if (action !== 'up' && action !== 'down' && action !== 'rejoin') throw usage(`dbarch cluster: unknown action ${action === undefined ? '(none)' : `"${action}"`}`);
    const paths = specPathsAfterAction();
    if (values.cluster === undefined) throw usage('name the cluster with --cluster');
    const { spec, cluster } = await managedClusterOfSpec(paths, values.cluster);
    // Progress goes to stderr, so --format json output on stdout stays one document.
    const progress = (message: string) => console.error(`cluster ${cluster.name}: ${message}`);
    if (action === 'up') {
      const tls = clusterTlsOfSpec(spec);
      const result = await withControlDatabase((control) => clusterUp(control, cluster, { progress, ...(tls === undefined ? {} : { tls }) }));
      if (format === 'json') console.log(JSON.stringify(result));
      else {
        for (const m of result.members) console.log(`${m.member.padEnd(12)} ${m.role.padEnd(8)} ${m.action}`);
        console.log(`primary ${result.primary}, timeline ${result.timeline ?? '?'}, topology epoch ${result.topology.epoch}${result.publishedInitial ? ' (published)' : ''}`);
      }
      return exitCodes.ok;
    }
    if (action === 'down') {
      const stopped = await stopCluster(cluster);
      if (format === 'json') console.log(JSON.stringify({ cluster: cluster.name, members: stopped }));
      else for (const s of stopped) console.log(`${s.member.padEnd(12)} ${s.stopped ? 'stopped' : 'was not running'}`);
      return exitCodes.ok;
    }
    if (values.member === undefined) throw usage('name the member to rejoin with --member', 'dbarch cluster rejoin specs/platform.yaml --cluster ha --member ha1');
    const member = values.member;
    const result = await withControlDatabase((control) => clusterRejoin(control, cluster, member, { log: progress }));
    if (format === 'json') console.log(JSON.stringify(result));
    else console.log(`${result.member} is a standby of ${result.primary} (${result.method}); topology epoch ${result.topology.epoch}`);
    return exitCodes.ok;
  });
}
