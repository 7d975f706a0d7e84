import { defineSection } from '../../SectionDefinition.ts';
import { checkClusters } from './checks.ts';
import { resolveClusters } from './resolveClusters.ts';
import { ClustersSchema } from './schema.ts';

export const clustersSection = defineSection({
  key: 'clusters',
  title: 'Clusters',
  description:
    'The PostgreSQL clusters of the platform and the databases each serves (not in the seed; execution needs it). When present, every `cluster:` and `database:` reference elsewhere is checked against it. A cluster is either one dbarch does not manage (`primary`, `replicas`) or one it provisions and fails over (`members`, `replication`); for the latter `primary`/`replicas` are derived from the members in the compiled spec.',
  schema: ClustersSchema,
  check: checkClusters,
  resolve: resolveClusters,
});
