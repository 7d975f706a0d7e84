import { defineSection } from '../../SectionDefinition.ts';
import { checkServiceMesh } from './checks.ts';
import { ServiceMeshSchema } from './schema.ts';

export const serviceMeshSection = defineSection({
  key: 'service_mesh',
  title: 'Service mesh',
  description: 'Database services the mesh discovers and balances: endpoints with weights, and the health check that takes failed endpoints out.',
  schema: ServiceMeshSchema,
  check: checkServiceMesh,
});
