import type { MonitoringTarget } from '../../activities/monitoring/MonitoringTarget.ts';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { redactUrl } from '../../runtime/redactUrl.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import type { MonitoringSections } from './MonitoringSections.ts';

/**
 * Every server of every cluster of the spec, as the exporter and the built-in alert evaluator scrape them:
 * primary and standbys, connection references resolved from `env`; without a clusters section, the
 * DATABASE_URL server as cluster `default`.
 */
export function monitoringTargets(sections: MonitoringSections, env: NodeJS.ProcessEnv = process.env): MonitoringTarget[] {
  const clusters = sections.clusters;
  if (clusters === undefined) {
    const url = serviceUrls(env).postgres;
    const database = decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres';
    return [target('default', url, [database], 'DATABASE_URL')];
  }
  return clusters.flatMap((cluster, i) =>
    // The compiled spec always has `primary` (derived from `members` for a managed cluster).
    [cluster.primary ?? [], cluster.replicas ?? []].flat().map((reference, j) => {
      const resolved = resolveEnvReferences(reference, env);
      const at = j === 0 ? `clusters[${i}].primary` : `clusters[${i}].replicas[${j - 1}]`;
      if (!resolved.ok) throw new DbarchError('DBA_MONITORING_TARGET_INVALID', `${at} (${reference}): ${resolved.message}`, resolved.hint ? { hint: resolved.hint } : {});
      return target(cluster.name, resolved.value, cluster.databases, at);
    }),
  );
}

function target(cluster: string, url: string, databases: readonly string[], at: string): MonitoringTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DbarchError('DBA_MONITORING_TARGET_INVALID', `${at} does not resolve to a URL: ${redactUrl(url)}`);
  }
  const first = databases[0] ?? 'postgres';
  const server = `${parsed.hostname || '127.0.0.1'}:${parsed.port || '5432'}`;
  parsed.pathname = `/${encodeURIComponent(first)}`;
  return { cluster, server, url: parsed.toString(), databases };
}
