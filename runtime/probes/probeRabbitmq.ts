import amqp from 'amqplib';
import { redactUrl } from '../redactUrl.ts';
import { probeTimeoutMs } from './probeTimeoutMs.ts';
import type { ServiceProbe } from './ServiceProbe.ts';

export async function probeRabbitmq(url: string): Promise<ServiceProbe> {
  const started = performance.now();
  try {
    const connection = await amqp.connect(url, { timeout: probeTimeoutMs });
    try {
      const properties = connection.connection.serverProperties as { version?: string } | undefined;
      return { service: 'rabbitmq', url: redactUrl(url), ok: true, version: properties?.version ?? 'unknown', latencyMs: Math.round(performance.now() - started) };
    } finally {
      await connection.close();
    }
  } catch (error) {
    const message = error instanceof Error ? error.message || error.name : String(error);
    return { service: 'rabbitmq', url: redactUrl(url), ok: false, error: message, latencyMs: Math.round(performance.now() - started) };
  }
}
