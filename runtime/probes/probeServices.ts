import type { ServiceUrls } from '../serviceUrls.ts';
import { probePostgres } from './probePostgres.ts';
import { probeRabbitmq } from './probeRabbitmq.ts';
import { probeRedis } from './probeRedis.ts';
import type { ServiceProbe } from './ServiceProbe.ts';

/** Probes every service at once, so a report names all that are down, not the first. */
export function probeServices(urls: ServiceUrls): Promise<ServiceProbe[]> {
  return Promise.all([probePostgres(urls.postgres), probeRedis(urls.redis), probeRabbitmq(urls.rabbitmq)]);
}
