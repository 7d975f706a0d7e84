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
