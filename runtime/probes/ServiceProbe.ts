/** What one probe of one service found; plain JSON so it can be an activity result. */
export interface ServiceProbe {
  readonly service: 'postgres' | 'redis' | 'rabbitmq';
  /** The URL tried, password redacted. */
  readonly url: string;
  readonly ok: boolean;
  readonly version?: string;
  readonly latencyMs: number;
  readonly error?: string;
}

/** The command that starts each service on a Debian machine like the ones this project is built on. */
export const serviceStartHints: Record<ServiceProbe['service'], string> = {
  postgres: 'pg_ctlcluster --skip-systemctl-redirect 15 main start',
  redis: 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
  rabbitmq: 'rabbitmq-server -detached',
};
