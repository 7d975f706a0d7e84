import { setFlagsFromString } from 'node:v8';

let applied = false;

/**
 * Makes V8 free the backing stores of dead Buffers when a scavenge finds them, not later on a background thread.
 * A restore streams gigabytes through the 64 KiB buffers a child's pipe reads into; with concurrent sweeping the
 * freed bytes are still counted as live when the next ones arrive, so every 64 MB of them looked like external
 * memory pressure and forced a full GC (about 90 per 2.4 GB restore, a fifth of its main thread, measured with
 * --trace-gc). Process-wide and idempotent; it only changes when memory is returned, not what is collected.
 */
export function releaseBuffersPromptly(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString('--no-concurrent-array-buffer-sweeping');
}
