/** Where the product finds its services: environment variables with this machine's local defaults. */
export interface ServiceUrls {
  readonly postgres: string;
  readonly redis: string;
  readonly rabbitmq: string;
}

export const serviceUrlVariables = {
  postgres: 'DATABASE_URL',
  redis: 'REDIS_URL',
  rabbitmq: 'AMQP_URL',
} as const satisfies Record<keyof ServiceUrls, string>;

export const serviceUrlDefaults: ServiceUrls = {
  postgres: 'postgres://postgres@127.0.0.1:5432/postgres',
  redis: 'redis://127.0.0.1:6379',
  rabbitmq: 'amqp://guest:guest@127.0.0.1:5672',
};

export function serviceUrls(env: NodeJS.ProcessEnv = process.env): ServiceUrls {
  return {
    postgres: env[serviceUrlVariables.postgres] || serviceUrlDefaults.postgres,
    redis: env[serviceUrlVariables.redis] || serviceUrlDefaults.redis,
    rabbitmq: env[serviceUrlVariables.rabbitmq] || serviceUrlDefaults.rabbitmq,
  };
}
