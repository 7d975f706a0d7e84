import type { webcrypto } from 'node:crypto';
import type { x509 } from './x509.ts';

/** The CA dbarch keeps behind `in_transit.internal_ca`: it signs member and client certificates. */
export interface InternalCa {
  readonly certificate: x509.X509Certificate;
  readonly privateKey: webcrypto.CryptoKey;
  /** Certificates of earlier CAs, still trusted while certificates they signed are in use. */
  readonly previous: readonly x509.X509Certificate[];
}
