import type { Redis } from 'ioredis';
import { parseRate } from '../../compiler/grammar/parseRate.ts';
import { cellRateScript, takeCell, type CellDecision, type CellRate } from './cellRateLimit.ts';

export type RateDecision = CellDecision;

const periodMs = { s: 1_000, min: 60_000, h: 3_600_000 } as const;

/** Redis's answer to `cellRateScript`: [allowed 1|0, retry after µs]. */
type ScriptReply = [number, number];

/**
 * A route's `rate_limit` (`1000req/min`) as a token bucket of that many tokens refilling evenly over the period,
 * shared by every gateway process through Redis (one key per route, run atomically by a script), so the limit
 * holds for the fleet, not per process. While Redis does not answer, a bucket in this process of the same size
 * takes over (each process then allows the full rate): a limiter outage must not become a gateway outage.
 */
export function routeRateLimiter(service: string, rateLimit: string, redis: Redis | undefined): (() => Promise<RateDecision>) {
  const parsed = parseRate(rateLimit);
  if (!parsed.ok) throw new Error(`rate_limit ${rateLimit} passed the compiler but does not parse`);
  const rate: CellRate = { burst: parsed.value.count, intervalMs: periodMs[parsed.value.per] / parsed.value.count };
  let localTat: number | undefined;
  const local = (): RateDecision => {
    const { decision, tatMs } = takeCell(localTat, Date.now(), rate);
    localTat = tatMs;
    return decision;
  };
  if (redis === undefined) return () => Promise.resolve(local());
  const key = `dbarch:gateway:bucket:${service}`;
  const intervalMicros = String(Math.round(rate.intervalMs * 1000));
  const burst = String(rate.burst);
  return async () => {
    try {
      const [allowed, retryMicros] = (await redis.eval(cellRateScript, 1, key, intervalMicros, burst)) as ScriptReply;
      return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs: Math.ceil(retryMicros / 1000) };
    } catch {
      return local();
    }
  };
}
