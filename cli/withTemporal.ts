import type { TemporalHandle } from '../runtime/startTemporal.ts';
import { connectTemporal } from './connectTemporal.ts';

/** Runs `fn` with a connection to the Temporal the verbs talk to (connectTemporal), closed afterwards. */
export async function withTemporal<T>(fn: (temporal: TemporalHandle) => Promise<T>): Promise<T> {
  const temporal = await connectTemporal();
  try {
    return await fn(temporal);
  } finally {
    await temporal.close();
  }
}
