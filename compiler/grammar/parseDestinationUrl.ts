import { grammarFail, grammarOk, type GrammarResult } from './GrammarResult.ts';
import { wholeEnvReference } from './envReference.ts';

export interface DestinationUrl {
  readonly scheme: 's3' | 'gs' | 'file' | 'env';
  /** Bucket for object stores; empty for file:// and env references. */
  readonly bucket: string;
  /** Key prefix for object stores, absolute directory for file://, the written reference for env. */
  readonly path: string;
}

const hint = 'use `s3://bucket/prefix/`, `gs://bucket/prefix/` or `file:///absolute/path/`';

/**
 * Where backups and WAL go: `s3://bucket/prefix/`, `gs://bucket/prefix/`, or `file:///absolute/dir/` (local and
 * NFS targets). An env reference is accepted; its default, when written, must itself be a destination.
 */
export function parseDestinationUrl(text: string): GrammarResult<DestinationUrl> {
  const env = wholeEnvReference(text);
  if (env !== undefined) {
    if (env.default === undefined) return grammarOk({ scheme: 'env', bucket: '', path: text });
    const inner = parseDestinationUrl(env.default);
    return inner.ok ? grammarOk({ scheme: 'env', bucket: '', path: text }) : inner;
  }
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(text);
  if (m === null) return grammarFail('DBA_SPEC_DESTINATION', `"${text}" is not a destination URL`, hint);
  const scheme = m[1]!.toLowerCase();
  const rest = m[2]!;
  if (scheme === 'file') {
    if (!rest.startsWith('/') && !rest.startsWith('localhost/')) {
      return grammarFail('DBA_SPEC_DESTINATION', `file URL "${text}" must name an absolute path`, 'write three slashes: `file:///var/backups/`');
    }
    return grammarOk({ scheme: 'file', bucket: '', path: rest.startsWith('localhost/') ? rest.slice('localhost'.length) : rest });
  }
  if (scheme === 's3' || scheme === 'gs') {
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..')) {
      return grammarFail('DBA_SPEC_DESTINATION', `"${bucket}" is not a valid bucket name in "${text}"`, 'bucket names are 3-63 lowercase letters, digits, dots and hyphens');
    }
    return grammarOk({ scheme, bucket, path: slash < 0 ? '' : rest.slice(slash + 1) });
  }
  return grammarFail('DBA_SPEC_DESTINATION', `unsupported destination scheme "${scheme}://" in "${text}"`, hint);
}
