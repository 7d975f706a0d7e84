import { suggestionHint } from '../../didYouMean.ts';
import type { SectionCheckContext, SectionPath } from '../../SectionDefinition.ts';
import { clustersSection } from './section.ts';

/**
 * Checks a `cluster:`/`database:` pair against the clusters section. Without a clusters section there is nothing
 * to check against (the seed's blocks name databases without declaring clusters), so nothing is reported.
 */
export function checkDatabaseReference(
  ctx: SectionCheckContext,
  at: { cluster?: string | undefined; database?: string | undefined },
  clusterPath: SectionPath,
  databasePath: SectionPath,
): void {
  const clusters = ctx.section(clustersSection);
  if (clusters === undefined) return;
  let candidates = clusters;
  if (at.cluster !== undefined) {
    const cluster = clusters.find((c) => c.name === at.cluster);
    if (cluster === undefined) {
      ctx.error(clusterPath, 'DBA_SPEC_UNKNOWN_REFERENCE', `no cluster named \`${at.cluster}\``, suggestionHint(at.cluster, clusters.map((c) => c.name)));
      return;
    }
    candidates = [cluster];
  }
  if (at.database === undefined) return;
  const databases = candidates.flatMap((c) => c.databases);
  if (!databases.includes(at.database)) {
    const where = at.cluster === undefined ? 'any cluster' : `cluster \`${at.cluster}\``;
    ctx.error(databasePath, 'DBA_SPEC_UNKNOWN_REFERENCE', `database \`${at.database}\` is not served by ${where}`, suggestionHint(at.database, databases));
  }
}
