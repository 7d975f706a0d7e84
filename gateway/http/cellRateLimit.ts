/**
 * A token bucket as GCRA (the generic cell rate algorithm): one number per key, the theoretical arrival time
 * (TAT) of the next request. A bucket of `burst` tokens refilling at `burst` per `periodMs` allows a request at
 * `now` when `TAT - burst·interval <= now`, then moves TAT one interval on. Unlike a fixed window it never lets
 * 2× the rate through at a window's edge, and a refused request costs nothing.
 */
export interface CellRate {
  /** Milliseconds one token takes to come back. */
  readonly intervalMs: number;
  /** Tokens the bucket holds: how many requests may come at once after a quiet spell. */
  readonly burst: number;
}

export type CellDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

/** The algorithm, for the in-process bucket; `cellRateScript` is the same lines for Redis. */
export function takeCell(tatMs: number | undefined, nowMs: number, rate: CellRate): { readonly decision: CellDecision; readonly tatMs: number | undefined } {
  const tat = Math.max(tatMs ?? nowMs, nowMs);
  const allowAt = tat + rate.intervalMs - rate.burst * rate.intervalMs;
  if (allowAt > nowMs) return { decision: { allowed: false, retryAfterMs: Math.ceil(allowAt - nowMs) }, tatMs };
  return { decision: { allowed: true }, tatMs: tat + rate.intervalMs };
}

/**
 * The same algorithm run atomically in Redis, on Redis's clock (so gateway processes on hosts whose clocks drift
 * still share one bucket). KEYS[1]: the bucket; ARGV: interval in µs, burst. Returns {1, 0} or {0, retry µs}.
 */
export const cellRateScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local allow_at = tat + interval - burst * interval
if allow_at > now then return {0, allow_at - now} end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1)
return {1, 0}
`;
