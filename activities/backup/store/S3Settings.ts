/**
 * How to reach an S3-compatible store. Secrets never come from the spec: credentials come from the environment
 * (the AWS SDK's own variables), so the spec's `s3://bucket/prefix/` stays the only thing committed to git.
 */
export interface S3Settings {
  /** A non-AWS endpoint (versitygw, MinIO, a test server); path-style addressing is used with it. */
  readonly endpoint?: string;
  readonly region: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
}

/**
 * AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL), AWS_REGION (default us-east-1), AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY: the SDK's standard names, so the worker's environment works with every AWS tool too.
 * Without keys the SDK's default chain (instance role, profile) is used.
 */
export function s3SettingsFromEnv(env: NodeJS.ProcessEnv = process.env): S3Settings {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  return {
    ...(endpoint ? { endpoint } : {}),
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(env.AWS_ACCESS_KEY_ID ? { accessKeyId: env.AWS_ACCESS_KEY_ID } : {}),
    ...(env.AWS_SECRET_ACCESS_KEY ? { secretAccessKey: env.AWS_SECRET_ACCESS_KEY } : {}),
  };
}

/**
 * The store a cross-region copy goes to: the same variables prefixed DBARCH_COPY_ (DBARCH_COPY_AWS_ENDPOINT_URL_S3,
 * DBARCH_COPY_AWS_REGION, DBARCH_COPY_AWS_ACCESS_KEY_ID, DBARCH_COPY_AWS_SECRET_ACCESS_KEY), each unset one taken
 * from the primary store's: another region of the same account needs none; another endpoint or account sets them.
 */
export function copyS3SettingsFromEnv(env: NodeJS.ProcessEnv = process.env): S3Settings {
  const copy: NodeJS.ProcessEnv = {};
  for (const name of ['AWS_ENDPOINT_URL_S3', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const) {
    copy[name] = env[`DBARCH_COPY_${name}`];
  }
  const primary = s3SettingsFromEnv(env);
  const own = s3SettingsFromEnv(copy);
  // Keys go together: a copy key id with the primary's secret is never a working pair.
  const keys = own.accessKeyId !== undefined || own.secretAccessKey !== undefined ? own : primary;
  return {
    ...(own.endpoint ?? primary.endpoint ? { endpoint: own.endpoint ?? primary.endpoint } : {}),
    region: copy.AWS_REGION ? own.region : primary.region,
    ...(keys.accessKeyId ? { accessKeyId: keys.accessKeyId } : {}),
    ...(keys.secretAccessKey ? { secretAccessKey: keys.secretAccessKey } : {}),
  };
}
