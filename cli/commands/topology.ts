import type { ClusterMemberView } from '../../activities/cluster/readClusterStatus.ts';
import { clusterTopologyReport, type TopologyReport } from '../../app/clusterTopologyReport.ts';
import { managedClusterOfSpec } from '../../app/managedClusterOfSpec.ts';
import { withControlDatabase } from '../../app/withControlDatabase.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';

const help = `Usage: dbarch topology <spec> --cluster <name> [--timeout <ms>] [--format text|json]

The published topology of a managed cluster (primary, replicas, epoch, timeline) beside a live check of every
member: role, timeline, replay lag (time and bytes), sync state, slots; and the last failover or switchover.
Exit status: 0 the members agree with the published topology, 1 they do not (warnings say how) or a check
failed, 2 usage error. JSON: {cluster, mode, topology, members[], lastFailover, warnings[]}.`;

/** `dbarch topology <spec> --cluster <name>`. */
export function run(argv: string[]): Promise<number> {
  const options = { cluster: { type: 'string' }, timeout: { type: 'string', default: '2000' } } as const;
  return runVerb({ name: 'topology', help, options, example: 'dbarch topology specs/platform.yaml --cluster ha' }, argv, async ({ values, format, specPaths, usage }) => {
    const positionals = specPaths();
    if (values.cluster === undefined) throw usage('name the cluster with --cluster');
    const timeout = Number(values.timeout);
    if (!Number.isInteger(timeout) || timeout < 1) throw new DbarchError('DBA_USAGE', `--timeout must be a positive number of milliseconds, not "${values.timeout}"`);
    const { cluster } = await managedClusterOfSpec(positionals, values.cluster);
    const report = await withControlDatabase((control) => clusterTopologyReport(control, cluster, timeout));
    if (format === 'json') console.log(JSON.stringify(report));
    else printReport(report);
    return report.warnings.length === 0 ? exitCodes.ok : exitCodes.failed;
  });
}

function printReport(report: TopologyReport): void {
  const t = report.topology;
  console.log(`cluster ${report.cluster} (${report.mode})${t === null ? ', nothing published' : `: primary ${t.primary.member}, epoch ${t.epoch}, timeline ${t.timeline ?? '?'}${t.fenced.length > 0 ? `, fenced ${t.fenced.join(', ')}` : ''}`}`);
  const rows = [['MEMBER', 'ADDRESS', 'ROLE', 'TL', 'LAG', 'LAG BYTES', 'SYNC', 'CHECK'], ...report.members.map(memberRow)];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
  for (const m of report.members.filter((x) => x.role === 'primary' && x.slots.length > 0)) {
    console.log(`slots on ${m.member}: ${m.slots.map((s) => `${s.slot} ${s.active ? 'active' : 'inactive'}${s.walStatus === null ? '' : ` (${s.walStatus})`}`).join(', ')}`);
  }
  const f = report.lastFailover;
  console.log(f === null ? 'last failover: none' : `last failover: ${f.kind} at ${f.changedAt} to ${f.primary.member} (epoch ${f.epoch}): ${f.reason}`);
  for (const w of report.warnings) console.log(`warning: ${w}`);
}

function memberRow(m: ClusterMemberView): string[] {
  if (!m.reachable) return [m.member, `${m.host}:${m.port}`, 'down', '', '', '', '', m.error ?? ''];
  const lag = m.role === 'standby' ? `${m.replayLagMs ?? '?'} ms${m.replayPaused === true ? ' (paused)' : ''}` : '';
  return [m.member, `${m.host}:${m.port}`, m.role ?? '?', String(m.timeline ?? ''), lag, m.role === 'standby' ? String(m.lagBytes ?? '?') : '', m.syncState ?? '', `${m.latencyMs} ms`];
}
