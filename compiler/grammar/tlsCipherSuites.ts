/**
 * Cipher suites dbarch accepts, by the lowest TLS version that can use them. Only AEAD suites with forward secrecy
 * are listed: CBC, RC4, 3DES, NULL and export suites are refused as weak. IANA names, as PostgreSQL's
 * `ssl_ciphers` and Node's `tls` accept them through OpenSSL aliases.
 */
export const tls13CipherSuites = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_AES_128_GCM_SHA256',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_CCM_SHA256',
] as const;

export const tls12CipherSuites = [
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
] as const;

export const supportedTlsVersions = ['1.2', '1.3'] as const;
export type TlsVersion = (typeof supportedTlsVersions)[number];

/** YAML reads `tls_version: 1.3` as a number and `"1.3"`/`TLSv1.3` as strings; all name the same version. */
export function normaliseTlsVersion(value: string | number): string {
  const text = typeof value === 'number' ? (Number.isInteger(value) ? value.toFixed(1) : String(value)) : value.trim();
  return text.replace(/^TLS\s*v?/i, '');
}
