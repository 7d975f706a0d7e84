import type { SectionCheckContext } from '../../SectionDefinition.ts';
import { checkDatabaseReference } from '../clusters/checkDatabaseReference.ts';
import { reportDuplicates } from '../reportDuplicates.ts';
import type { GatewayConfig } from './schema.ts';

export function checkGatewayConfig(config: GatewayConfig, ctx: SectionCheckContext): void {
  const jwt = config.authentication?.jwt;
  if (jwt !== undefined && (jwt.jwks_url === undefined) === (jwt.public_key === undefined)) {
    ctx.error(['authentication', 'jwt'], 'DBA_SPEC_GATEWAY_JWT_KEY', 'give exactly one of `jwks_url` and `public_key`', 'the gateway verifies signatures with the keys at `jwks_url`, or with the one `public_key`');
  }
  const routes = config.database_routing;
  reportDuplicates(ctx, routes.map((r, i) => ({ value: r.service, path: ['database_routing', i, 'service'] })), 'service route');
  routes.forEach((route, i) => {
    const pool = route.connection_pool;
    if (pool !== undefined && pool.min > pool.max) {
      ctx.error(['database_routing', i, 'connection_pool', 'min'], 'DBA_SPEC_POOL_BOUNDS', `pool min ${pool.min} is larger than max ${pool.max}`, `lower \`min\` to at most ${pool.max}, or raise \`max\``);
    }
    checkDatabaseReference(ctx, route, ['database_routing', i, 'cluster'], ['database_routing', i, 'database']);
  });
}
