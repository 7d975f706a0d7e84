import { defineSection } from '../../SectionDefinition.ts';
import { checkClusters } from './checks.ts';
import { ClustersSchema } from './schema.ts';

export const clustersSection = defineSection({
  key: 'clusters',
  title: 'Clusters',
  description:
    'The PostgreSQL clusters of the platform and the databases each serves (not in the seed; execution needs it). When present, every `cluster:` and `database:` reference elsewhere is checked against it.',
  schema: ClustersSchema,
  check: checkClusters,
});
