/**
 * Waits `ms`, or less when `signal` aborts: it resolves either way, so a loop between polls sees the cancellation
 * at its next check instead of as an exception thrown out of the wait.
 */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
