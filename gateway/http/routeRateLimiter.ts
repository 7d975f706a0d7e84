import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { parseRate } from '../../compiler/grammar/parseRate.ts';

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

const windowSeconds = { s: 1, min: 60, h: 3600 } as const;

/**
 * A route's `rate_limit` (`1000req/min`) as a counter shared by every gateway process through Redis
 * (rate-limiter-flexible, one window per route), so the limit holds for the fleet, not per process. While Redis
 * does not answer, a local limiter of the same size takes over (each process then allows the full rate).
 */
export function routeRateLimiter(service: string, rateLimit: string, redis: Redis | undefined): (() => Promise<RateDecision>) {
  const rate = parseRate(rateLimit);
  if (!rate.ok) throw new Error(`rate_limit ${rateLimit} passed the compiler but does not parse`);
  const shape = { points: rate.value.count, duration: windowSeconds[rate.value.per] };
  const local = new RateLimiterMemory(shape);
  const limiter = redis === undefined ? local : new RateLimiterRedis({ ...shape, storeClient: redis, keyPrefix: 'dbarch:gateway:rate', insuranceLimiter: local });
  return async () => {
    try {
      await limiter.consume(service);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterMs: rejection.msBeforeNext };
      throw rejection;
    }
  };
}
