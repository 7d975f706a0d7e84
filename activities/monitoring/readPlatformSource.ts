import { DbarchError } from '../../errors/DbarchError.ts';
import type { MetricSample } from './Collector.ts';
import type { PlatformSource } from './PlatformSource.ts';

export interface PlatformReading {
  readonly samples: readonly MetricSample[];
  readonly seconds: number;
  readonly problem?: DbarchError;
}

/** One platform source, bounded like a server: a broker or store that does not answer leaves its families absent. */
export async function readPlatformSource(source: PlatformSource, timeoutMs: number): Promise<PlatformReading> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new DbarchError('DBA_MONITORING_SCRAPE_TIMEOUT', `the ${source.name} source did not answer within ${timeoutMs} ms`, { details: { source: source.name, timeoutMs } })), timeoutMs)));
  try {
    const samples = await Promise.race([source.collect(), deadline]);
    return { samples, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    const problem = error instanceof DbarchError ? error : new DbarchError('DBA_MONITORING_SOURCE_FAILED', `the ${source.name} source failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error, details: { source: source.name } });
    return { samples: [], seconds: (performance.now() - started) / 1000, problem };
  } finally {
    clearTimeout(timer);
  }
}
