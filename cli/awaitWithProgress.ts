/**
 * Awaits `outcome`, calling `progress` every `intervalMs` while it is still pending (the progress lines of a run a
 * verb follows). A rejection reaches the caller through the returned promise only, and no timer outlives the wait.
 */
export async function awaitWithProgress<T>(outcome: Promise<T>, intervalMs: number, progress: () => Promise<void>): Promise<T> {
  let ended = false;
  const end = () => (ended = true);
  void outcome.then(end, end);
  while (!ended) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([outcome, new Promise((resolve) => (timer = setTimeout(resolve, intervalMs)))]).finally(() => clearTimeout(timer));
    if (!ended) await progress();
  }
  return outcome;
}
