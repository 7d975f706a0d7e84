import type { ConnectionOptions } from 'node:tls';
import type { CompiledSpec } from '../../compiler/CompiledSpec.ts';
import type { tls12CipherSuites } from '../../compiler/grammar/tlsCipherSuites.ts';
import { normaliseTlsVersion } from '../../compiler/grammar/tlsCipherSuites.ts';
import { openSslCipherNames } from '../../activities/tls/openSslCipherNames.ts';
import { readSecretReference } from '../../runtime/readSecretReference.ts';

/** TLS material of a client as references (`file:///…`, `${ENV}`): the CA to verify servers, and the client's own pair. */
export interface ClientTlsReferences {
  readonly ca: string;
  readonly certificate?: string;
  readonly key?: string;
}

/**
 * The TLS options of every connection a DatabaseClient opens (pools and probes), or undefined for none: from
 * `options.tls`, else the spec's service_mesh.mtls when it names a CA. verify-full: the chain must reach the CA
 * and the server's certificate must name the host connected to (Node's checkServerIdentity); the minimum version
 * and the suites are security_config.encryption.in_transit's. Unreadable references are DBA_CLIENT_CONFIG.
 */
export function resolveClientTls(spec: CompiledSpec, explicit: ClientTlsReferences | false | undefined, env: NodeJS.ProcessEnv): ConnectionOptions | undefined {
  if (explicit === false) return undefined;
  const mtls = spec.service_mesh?.mtls;
  const refs = explicit ?? (typeof mtls === 'object' ? mtls : undefined);
  if (refs === undefined) return undefined;
  const read = (reference: string, what: string) => readSecretReference(reference, { what, missing: 'DBA_CLIENT_CONFIG', env });
  const inTransit = spec.security_config?.encryption?.in_transit;
  const version = inTransit === undefined ? undefined : normaliseTlsVersion(inTransit.tls_version);
  // Node takes TLS 1.3 suites by their IANA names and TLS 1.2 ones by OpenSSL's, in one list.
  const suites = (inTransit?.cipher_suites ?? []).map((s) => openSslCipherNames[s as (typeof tls12CipherSuites)[number]] ?? s);
  return {
    ca: read(refs.ca, 'the TLS CA bundle'),
    ...(refs.certificate === undefined ? {} : { cert: read(refs.certificate, 'the client certificate') }),
    ...(refs.key === undefined ? {} : { key: read(refs.key, 'the client key') }),
    rejectUnauthorized: true,
    minVersion: version === '1.2' ? 'TLSv1.2' : 'TLSv1.3',
    ...(suites.length > 0 ? { ciphers: suites.join(':') } : {}),
  };
}
