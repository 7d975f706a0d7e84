import { expect } from 'chai';
import { Redis } from 'ioredis';
import { cellRateScript, takeCell, type CellRate } from '../../gateway/http/cellRateLimit.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';

/** Runs `count` requests at `at` ms through one in-process bucket, returning how many were allowed. */
function allowedAt(state: { tat: number | undefined }, at: number, count: number, rate: CellRate): number {
  let allowed = 0;
  for (let i = 0; i < count; i++) {
    const { decision, tatMs } = takeCell(state.tat, at, rate);
    state.tat = tatMs;
    if (decision.allowed) allowed++;
  }
  return allowed;
}

describe('the gateway\'s token bucket (GCRA)', () => {
  const tenPerSecond: CellRate = { burst: 10, intervalMs: 100 };

  it('allows a full burst, then one request per interval, and tells how long to wait', () => {
    const state = { tat: undefined as number | undefined };
    expect(allowedAt(state, 0, 15, tenPerSecond)).to.equal(10);
    const refused = takeCell(state.tat, 0, tenPerSecond).decision;
    expect(refused).to.deep.equal({ allowed: false, retryAfterMs: 100 });
    expect(allowedAt(state, 99, 1, tenPerSecond)).to.equal(0);
    expect(allowedAt(state, 100, 3, tenPerSecond)).to.equal(1);
    expect(allowedAt(state, 350, 5, tenPerSecond)).to.equal(2);
  });

  it('never lets twice the rate through around a window\'s edge, as a fixed window does', () => {
    const state = { tat: undefined as number | undefined };
    // A fixed 1 s window allows 10 at 0.999 s and 10 more at 1.000 s; the bucket allows 10 plus what refilled.
    expect(allowedAt(state, 999, 10, tenPerSecond)).to.equal(10);
    expect(allowedAt(state, 1000, 10, tenPerSecond)).to.equal(0);
    expect(allowedAt(state, 1499, 20, tenPerSecond)).to.equal(5);
  });

  it('refills to the burst after a quiet spell, not beyond it', () => {
    const state = { tat: undefined as number | undefined };
    expect(allowedAt(state, 0, 10, tenPerSecond)).to.equal(10);
    expect(allowedAt(state, 60_000, 30, tenPerSecond)).to.equal(10);
  });

  it('gives the same answers from Redis, where every gateway process shares the bucket', async () => {
    const redis = new Redis(serviceUrls().redis, { maxRetriesPerRequest: 1 });
    const key = `dbarch:test:bucket:${process.pid}:${Date.now()}`;
    try {
      const replies: [number, number][] = [];
      // 5 tokens refilling one per minute: the refill is far slower than this loop, so the answers are exact.
      for (let i = 0; i < 7; i++) replies.push((await redis.eval(cellRateScript, 1, key, String(60_000_000), '5')) as [number, number]);
      expect(replies.map(([allowed]) => allowed)).to.deep.equal([1, 1, 1, 1, 1, 0, 0]);
      expect(replies[5]![1]).to.be.within(59_000_000, 60_000_000);
      expect(await redis.pttl(key)).to.be.within(1, 5 * 60_000 + 1);
    } finally {
      await redis.del(key);
      redis.disconnect();
    }
  });
});
