import { stopCluster } from '../../activities/cluster/stopCluster.ts';
import { clusterTlsOfSpec } from '../../activities/tls/ClusterTls.ts';
import { clusterRejoin } from '../../app/clusterRejoin.ts';
import { clusterUp } from '../../app/clusterUp.ts';
import { managedClusterOfSpec } from '../../app/managedClusterOfSpec.ts';
import { withControlDatabase } from '../../app/withControlDatabase.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { exitCodes } from '../exitCodes.ts';
import { outputFormat } from '../outputFormat.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';
import { reportError } from '../reportError.ts';

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
export async function run(argv: string[]): Promise<number> {
  // drill talks to Temporal and has options of its own: its module parses them.
  if (argv[0] === 'drill') return (await import('./clusterDrill.ts')).run(argv.slice(1));
  let format = outputFormat(argv);
  try {
    const { values, positionals } = parseCommandArgs('cluster', argv, {
      cluster: { type: 'string' },
      member: { type: 'string' },
      format: { type: 'string', default: 'text' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help === true) {
      console.log(help);
      return exitCodes.ok;
    }
    format = values.format === 'json' ? 'json' : 'text';
    const [action, ...paths] = positionals;
    const example = 'e.g. `dbarch cluster up specs/platform.yaml --cluster ha`';
    if (action !== 'up' && action !== 'down' && action !== 'rejoin') throw new DbarchError('DBA_USAGE', `dbarch cluster: unknown action ${action === undefined ? '(none)' : `"${action}"`}`, { hint: example });
    if (paths.length === 0) throw new DbarchError('DBA_USAGE', 'name the spec file or directory', { hint: example });
    if (values.cluster === undefined) throw new DbarchError('DBA_USAGE', 'name the cluster with --cluster', { hint: example });
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
    if (values.member === undefined) throw new DbarchError('DBA_USAGE', 'name the member to rejoin with --member', { hint: 'e.g. `dbarch cluster rejoin specs/platform.yaml --cluster ha --member ha1`' });
    const member = values.member;
    const result = await withControlDatabase((control) => clusterRejoin(control, cluster, member, { log: progress }));
    if (format === 'json') console.log(JSON.stringify(result));
    else console.log(`${result.member} is a standby of ${result.primary} (${result.method}); topology epoch ${result.topology.epoch}`);
    return exitCodes.ok;
  } catch (error) {
    return reportError(error, format);
  }
}
