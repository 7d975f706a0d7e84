import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `condition` until it returns a value other than null/false (awaiting a condition, not sleeping
 * for a guessed time). Gives up after `timeoutMs` with the description in the error.
 */
export async function waitFor<T>(description: string, condition: () => Promise<T | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await delay(25);
  }
}
