import { webcrypto } from 'node:crypto';
import type { InternalCa } from './InternalCa.ts';
import { x509 } from './x509.ts';

/** The CA as stored behind its reference: its PKCS#8 private key, its certificate, then earlier CAs' certificates. */
export async function internalCaPem(ca: InternalCa): Promise<string> {
  const key = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', ca.privateKey), 'PRIVATE KEY');
  return [key, ca.certificate.toString('pem'), ...ca.previous.map((c) => c.toString('pem'))].join('\n') + '\n';
}

/** What servers and clients trust: the current CA and the earlier ones, PEM. */
export function trustBundlePem(ca: InternalCa): string {
  return [ca.certificate, ...ca.previous].map((c) => c.toString('pem')).join('\n') + '\n';
}
