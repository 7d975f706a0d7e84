import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from './logger.ts';

let installed = false;

/**
 * Routes the SDK's logs (workers, workflows, activities, with their workflow and activity ids) and the native
 * core's (polling, connections: otherwise printed straight to stderr) into our structured logger. Must run before
 * the first connection is made, since that creates the SDK runtime.
 */
export function installTemporalLogging(log: Logger): void {
  if (installed) return;
  installed = true;
  const level = toSdkLevel(log.level);
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      const method = ({ TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const)[entry.level];
      log[method]({ ...entry.meta }, entry.message);
    }),
    // The SDK's default filter (core WARN, other crates ERROR), opened further only when debugging.
    telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: level === 'TRACE' || level === 'DEBUG' ? level : 'WARN', other: 'ERROR' }) } },
  });
}

function toSdkLevel(level: string): LogLevel {
  switch (level) {
    case 'trace':
      return 'TRACE';
    case 'debug':
      return 'DEBUG';
    case 'warn':
      return 'WARN';
    case 'error':
    case 'fatal':
      return 'ERROR';
    default:
      return 'INFO';
  }
}
