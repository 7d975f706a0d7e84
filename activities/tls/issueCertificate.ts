import { isIP } from 'node:net';
import { webcrypto } from 'node:crypto';
import { serialNumber } from './createInternalCa.ts';
import type { InternalCa } from './InternalCa.ts';
import { keyAlgorithm, x509 } from './x509.ts';

export interface CertificateRequest {
  /** A server's host name, or a client's PostgreSQL role (`cert` auth matches the CN against the user name). */
  readonly commonName: string;
  readonly usage: 'server' | 'client';
  /** Subject alternative names of a server: IP addresses and DNS names (verify-full checks the host against them). */
  readonly hosts?: readonly string[];
  readonly days: number;
  readonly now?: Date;
}

export interface IssuedCertificate {
  /** The certificate alone: the CA stays out of the chain, as every peer trusts it from its own root file. */
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly serial: string;
  readonly notAfter: Date;
}

/** A new key and an end-entity certificate for it, signed by the internal CA. */
export async function issueCertificate(ca: InternalCa, request: CertificateRequest): Promise<IssuedCertificate> {
  const now = request.now ?? new Date();
  const keys = await webcrypto.subtle.generateKey(keyAlgorithm, true, ['sign', 'verify']);
  const names = (request.hosts ?? []).map((h) => ({ type: isIP(h) === 0 ? ('dns' as const) : ('ip' as const), value: h }));
  const serial = serialNumber();
  const notAfter = new Date(now.getTime() + request.days * 86_400_000);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: new x509.Name([{ CN: [request.commonName] }]),
    issuer: ca.certificate.subjectName,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: keyAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([request.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.certificate),
      ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
    ],
  });
  const privateKeyPem = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  return { certificatePem: certificate.toString('pem') + '\n', privateKeyPem: privateKeyPem + '\n', serial, notAfter };
}
