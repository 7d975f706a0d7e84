import { grammarFail, grammarOk, type GrammarResult } from './GrammarResult.ts';

/** An AWS KMS key as a key reference names it; region and endpoint only when the reference gives them. */
export interface KmsKeyReference {
  /** What KMS calls a KeyId: a key id, key ARN, alias name (`alias/…`) or alias ARN. */
  readonly keyId: string;
  /** From `?region=`, else the ARN's region. */
  readonly region?: string;
  /** From `?endpoint=` (a non-AWS or VPC endpoint). */
  readonly endpoint?: string;
}

export const kmsScheme = 'aws-kms://';

const keyIdPattern = /^(?:alias\/[A-Za-z0-9/_-]+|(?:mrk-)?[0-9a-f-]{32,36}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+))$/;

/**
 * `aws-kms://<key>[?region=<region>&endpoint=<url>]`: the envelope key of backups kept in AWS KMS (or local-kms).
 * The key is wrapped and unwrapped in the KMS; the reference holds no secret, so it may live in the spec.
 */
export function parseKmsKeyReference(text: string): GrammarResult<KmsKeyReference> {
  if (!text.startsWith(kmsScheme)) return grammarFail('DBA_KMS_REFERENCE_INVALID', `${text} is not an ${kmsScheme} reference`);
  const rest = text.slice(kmsScheme.length);
  const question = rest.indexOf('?');
  const keyId = decodeURIComponent(question < 0 ? rest : rest.slice(0, question));
  if (!keyIdPattern.test(keyId)) {
    return grammarFail('DBA_KMS_REFERENCE_INVALID', `${JSON.stringify(keyId)} is not a KMS key id, key ARN, alias or alias ARN`);
  }
  const query = new URLSearchParams(question < 0 ? '' : rest.slice(question + 1));
  for (const name of query.keys()) {
    if (name !== 'region' && name !== 'endpoint') return grammarFail('DBA_KMS_REFERENCE_INVALID', `unknown parameter ${name} in ${text}`, 'only `region` and `endpoint` may follow the key');
  }
  const region = query.get('region') ?? /^arn:[^:]+:kms:([^:]+):/.exec(keyId)?.[1];
  const endpoint = query.get('endpoint');
  return grammarOk({ keyId, ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) });
}

/** The reference for a key, region and endpoint (the inverse of parseKmsKeyReference). */
export function kmsKeyReference(key: KmsKeyReference): string {
  const query = new URLSearchParams();
  if (key.region !== undefined) query.set('region', key.region);
  if (key.endpoint !== undefined) query.set('endpoint', key.endpoint);
  const tail = query.toString();
  return `${kmsScheme}${key.keyId}${tail === '' ? '' : `?${tail}`}`;
}
