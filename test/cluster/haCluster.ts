import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { managedCluster, type ManagedCluster } from '../../activities/cluster/ManagedCluster.ts';
import { stopCluster } from '../../activities/cluster/stopCluster.ts';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { freePort } from '../support/freePort.ts';

export interface HaFixture {
  readonly cluster: ManagedCluster;
  /** The spec file that declares it (cluster `ha`, database dbarch_ha), for CLI and app tests. */
  readonly specFile: string;
  readonly dir: string;
  /** Stops every member (immediate) and removes the directory. */
  cleanup(): Promise<void>;
}

/**
 * A spec with one managed cluster `ha` on free ports under a temp directory of its own (traversable by the
 * postgres user, who owns the members), compiled, plus its ManagedCluster. Nothing is provisioned yet.
 */
export async function haFixture(options: { members?: number; mode?: 'async' | 'sync' | 'strict'; extra?: (ports: readonly number[]) => string } = {}): Promise<HaFixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dbarch-ha-'));
  chmodSync(dir, 0o755);
  const ports = await Promise.all(Array.from({ length: options.members ?? 3 }, () => freePort()));
  const mode = options.mode ?? 'sync';
  const yaml = [
    'clusters:',
    '  - name: ha',
    '    databases: [dbarch_ha]',
    '    members:',
    ...ports.map((port, i) => `      - { name: ha${i + 1}, host: 127.0.0.1, port: ${port} }`),
    `    replication: { mode: ${mode}${mode === 'async' ? '' : ', synchronous: { method: ANY, count: 1 }'} }`,
    `    data_directory: ${path.join(dir, 'data')}`,
    options.extra?.(ports) ?? '',
  ].join('\n');
  const specFile = path.join(dir, 'spec.yaml');
  writeFileSync(specFile, `${yaml}\n`);
  const result = await compileSpec([specFile]);
  if (!result.valid || result.spec === undefined) throw new Error(`fixture spec invalid: ${JSON.stringify(result.errors)}`);
  const cluster = managedCluster(result.spec.clusters, 'ha');
  return {
    cluster,
    specFile,
    dir,
    async cleanup() {
      await stopCluster(cluster, { mode: 'immediate' }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
