import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/**
 * Structured JSON logs. Level from DBARCH_LOG_LEVEL (default info). `destination` lets `dbarch dev` send the
 * worker's logs to a file while the terminal shows the human summary.
 */
export function createLogger(options: { name?: string; destination?: DestinationStream; level?: string } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'dbarch',
      level: options.level ?? process.env.DBARCH_LOG_LEVEL ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
