import { Redis } from 'ioredis';
import { redactUrl } from '../redactUrl.ts';
import { probeTimeoutMs } from './probeTimeoutMs.ts';
import type { ServiceProbe } from './ServiceProbe.ts';

export async function probeRedis(url: string): Promise<ServiceProbe> {
  const started = performance.now();
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: probeTimeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // ioredis rejects connect() with a generic "Connection is closed"; the socket error says why.
  let socketError: Error | undefined;
  redis.on('error', (error: Error) => (socketError ??= error));
  try {
    await redis.connect();
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    return { service: 'redis', url: redactUrl(url), ok: true, version, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    const cause = socketError ?? error;
    const message = cause instanceof Error ? cause.message : String(cause);
    return { service: 'redis', url: redactUrl(url), ok: false, error: message, latencyMs: Math.round(performance.now() - started) };
  } finally {
    redis.disconnect();
  }
}
