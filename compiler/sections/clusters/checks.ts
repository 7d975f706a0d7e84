import type { SectionCheckContext } from '../../SectionDefinition.ts';
import { reportDuplicates } from '../reportDuplicates.ts';
import type { Clusters } from './schema.ts';

export function checkClusters(clusters: Clusters, ctx: SectionCheckContext): void {
  reportDuplicates(ctx, clusters.map((c, i) => ({ value: c.name, path: [i, 'name'] })), 'cluster');
  clusters.forEach((cluster, i) => {
    reportDuplicates(ctx, cluster.databases.map((db, j) => ({ value: db, path: [i, 'databases', j] })), 'database');
  });
}
