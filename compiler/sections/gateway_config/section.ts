import { defineSection } from '../../SectionDefinition.ts';
import { checkGatewayConfig } from './checks.ts';
import { GatewayConfigSchema } from './schema.ts';

export const gatewayConfigSection = defineSection({
  key: 'gateway_config',
  title: 'API gateway',
  description: 'Routes each calling service to its database through the gateway, with a connection pool, rate limit and timeouts per route.',
  schema: GatewayConfigSchema,
  check: checkGatewayConfig,
});
