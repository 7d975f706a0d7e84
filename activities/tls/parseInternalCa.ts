import { createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { InternalCa } from './InternalCa.ts';
import { keyAlgorithm, x509 } from './x509.ts';

const block = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g;

/** Reads what internalCaPem wrote; DBA_TLS_CA_INVALID unless it is a CA certificate with its own private key. */
export async function parseInternalCa(pem: string): Promise<InternalCa> {
  const blocks = [...pem.matchAll(block)].map((m) => ({ label: m[1]!, text: m[0] }));
  const keyPem = blocks.find((b) => b.label === 'PRIVATE KEY')?.text;
  const certificates = blocks.filter((b) => b.label === 'CERTIFICATE').map((b) => b.text);
  if (keyPem === undefined || certificates.length === 0) {
    throw new DbarchError('DBA_TLS_CA_INVALID', `the internal CA holds ${keyPem === undefined ? 'no PKCS#8 private key' : 'no certificate'}`);
  }
  let parsed: x509.X509Certificate[];
  let privateKey: webcrypto.CryptoKey;
  try {
    parsed = certificates.map((c) => new x509.X509Certificate(c));
    privateKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(keyPem), keyAlgorithm, true, ['sign']);
  } catch (cause) {
    throw new DbarchError('DBA_TLS_CA_INVALID', `the internal CA does not parse: ${(cause as Error).message}`, { cause });
  }
  const [certificate, ...previous] = parsed as [x509.X509Certificate, ...x509.X509Certificate[]];
  const basic = certificate.getExtension(x509.BasicConstraintsExtension);
  if (basic?.ca !== true) throw new DbarchError('DBA_TLS_CA_INVALID', `the certificate ${certificate.subject} is not a CA certificate`);
  const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  if (!fromKey.equals(Buffer.from(certificate.publicKey.rawData))) {
    throw new DbarchError('DBA_TLS_CA_INVALID', `the private key of the internal CA does not belong to its certificate ${certificate.subject}`);
  }
  return { certificate, privateKey, previous };
}
