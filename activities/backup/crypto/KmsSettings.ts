import { resolveEnvReferences } from '../../../compiler/grammar/envReference.ts';
import type { KmsKeyReference } from '../../../compiler/grammar/parseKmsKeyReference.ts';
import { DbarchError } from '../../../errors/DbarchError.ts';

/** How a worker reaches the KMS key a reference names. Credentials are never in the spec: the AWS SDK's own chain. */
export interface KmsSettings {
  readonly keyId: string;
  readonly region: string;
  /** A non-AWS endpoint (local-kms) or a VPC endpoint; else AWS's own for the region. */
  readonly endpoint?: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
}

/**
 * The reference's region and endpoint (the endpoint may be an env reference, resolved here, on the worker), else
 * AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL and AWS_REGION / AWS_DEFAULT_REGION (default us-east-1), the SDK's names.
 */
export function kmsSettingsOf(reference: KmsKeyReference, env: NodeJS.ProcessEnv = process.env): KmsSettings {
  let endpoint = env.AWS_ENDPOINT_URL_KMS ?? env.AWS_ENDPOINT_URL;
  if (reference.endpoint !== undefined) {
    const resolved = resolveEnvReferences(reference.endpoint, env);
    if (!resolved.ok) throw new DbarchError('DBA_KMS_REFERENCE_INVALID', `KMS endpoint ${reference.endpoint}: ${resolved.message}`);
    endpoint = resolved.value;
  }
  return {
    keyId: reference.keyId,
    region: reference.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    ...(env.AWS_ACCESS_KEY_ID ? { accessKeyId: env.AWS_ACCESS_KEY_ID } : {}),
    ...(env.AWS_SECRET_ACCESS_KEY ? { secretAccessKey: env.AWS_SECRET_ACCESS_KEY } : {}),
  };
}
