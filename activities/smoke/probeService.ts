import { Context } from '@temporalio/activity';
import { DbarchError } from '../../errors/DbarchError.ts';
import { probePostgres } from '../../runtime/probes/probePostgres.ts';
import { probeRabbitmq } from '../../runtime/probes/probeRabbitmq.ts';
import { probeRedis } from '../../runtime/probes/probeRedis.ts';
import { serviceStartHints, type ServiceProbe } from '../../runtime/probes/ServiceProbe.ts';
import { serviceUrlVariables } from '../../runtime/serviceUrls.ts';
import type { ActivityDeps } from '../ActivityDeps.ts';

/** Connects to one service and returns its version; an unreachable service is a retryable failure. */
export function probeService(deps: ActivityDeps) {
  return async function probeService(service: ServiceProbe['service']): Promise<ServiceProbe> {
    const probe = { postgres: probePostgres, redis: probeRedis, rabbitmq: probeRabbitmq }[service];
    const result = await probe(deps.urls[service]);
    if (!result.ok) {
      throw new DbarchError('DBA_SERVICE_UNREACHABLE', `${service} at ${result.url} did not answer: ${result.error ?? 'unknown error'}`, {
        hint: `Start it with \`${serviceStartHints[service]}\`, or set ${serviceUrlVariables[service]}.`,
        details: { ...result },
      });
    }
    Context.current().log.info('service answered', { service, version: result.version, latencyMs: result.latencyMs });
    return result;
  };
}
