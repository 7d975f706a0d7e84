import type { CommandEntry } from './CommandModule.ts';

/** Every verb of the dbarch command, loaded lazily so `dbarch validate` does not pay for Temporal. */
export const commands: Record<string, CommandEntry> = {
  dev: { summary: 'Start Temporal, a worker and the example job on local services (development)', load: () => import('./commands/dev.ts') },
  worker: { summary: 'Run a worker that polls the dbarch task queue', load: () => import('./commands/worker.ts') },
};
