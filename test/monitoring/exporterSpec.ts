import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SpecCluster {
  readonly name: string;
  readonly primary: string;
  readonly replicas?: readonly string[];
  readonly databases: readonly string[];
}

/** Writes a runnable monitoring spec (clusters + monitoring_config) to a scratch directory; returns its path. */
export function writeMonitoringSpec(clusters: readonly SpecCluster[], monitoring: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dbarch-monitoring-'));
  const lines = ['apiVersion: dbarch/v1', 'clusters:'];
  for (const c of clusters) {
    lines.push(`  - name: ${c.name}`, `    primary: ${c.primary}`, `    databases: [${c.databases.join(', ')}]`);
    if (c.replicas) lines.push(`    replicas: [${c.replicas.join(', ')}]`);
  }
  const path = join(dir, 'spec.yaml');
  writeFileSync(path, `${lines.join('\n')}\n${monitoring}`);
  return path;
}
