import type { SectionDefinition } from '../SectionDefinition.ts';
import { backupConfigSection } from './backup_config/section.ts';
import { blueGreenSection } from './blue_green/section.ts';
import { cacheConfigSection } from './cache_config/section.ts';
import { cdcConfigSection } from './cdc_config/section.ts';
import { clustersSection } from './clusters/section.ts';
import { deploymentConfigSection } from './deployment_config/section.ts';
import { failoverProcedureSection } from './failover_procedure/section.ts';
import { gatewayConfigSection } from './gateway_config/section.ts';
import { monitoringConfigSection } from './monitoring_config/section.ts';
import { proceduresSection } from './procedures/section.ts';
import { queueConfigSection } from './queue_config/section.ts';
import { securityConfigSection } from './security_config/section.ts';
import { serviceMeshSection } from './service_mesh/section.ts';

/** The spec language's sections, in documentation order. Adding a section: one folder, one line here. */
export const builtinSectionList = [
  clustersSection,
  gatewayConfigSection,
  serviceMeshSection,
  cacheConfigSection,
  queueConfigSection,
  cdcConfigSection,
  monitoringConfigSection,
  deploymentConfigSection,
  blueGreenSection,
  securityConfigSection,
  backupConfigSection,
  failoverProcedureSection,
  proceduresSection,
] as const;

export const builtinSections: readonly SectionDefinition[] = builtinSectionList;

export type BuiltinSection = (typeof builtinSectionList)[number];
