import { defineSection } from '../../SectionDefinition.ts';
import { checkSecurityConfig } from './checks.ts';
import { SecurityConfigSchema } from './schema.ts';

export const securityConfigSection = defineSection({
  key: 'security_config',
  title: 'Security',
  description: 'Authentication, PostgreSQL roles and their privileges, encryption at rest and in transit, and audit logging.',
  schema: SecurityConfigSchema,
  check: checkSecurityConfig,
});
