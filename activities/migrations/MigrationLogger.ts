/** The logging the engine needs; a pino logger fits as is. */
export interface MigrationLogger {
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
}
