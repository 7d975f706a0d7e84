import { randomBytes, webcrypto } from 'node:crypto';
import type { InternalCa } from './InternalCa.ts';
import { keyAlgorithm, x509 } from './x509.ts';

export interface CreateCaOptions {
  /** The CA's common name (the spec's `authentication.certificate_authority`). */
  readonly name: string;
  /** Default ten years: the CA outlives many rotations of the certificates it signs. */
  readonly days?: number;
  readonly now?: Date;
  /** The CA this one replaces, kept in `previous` so what it signed stays trusted. */
  readonly replaces?: InternalCa;
}

/** A new self-signed CA that may sign end-entity certificates only (path length 0). */
export async function createInternalCa(options: CreateCaOptions): Promise<InternalCa> {
  const now = options.now ?? new Date();
  const keys = await webcrypto.subtle.generateKey(keyAlgorithm, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: new x509.Name([{ CN: [options.name] }, { O: ['dbarch'] }]),
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + (options.days ?? 3650) * 86_400_000),
    keys,
    signingAlgorithm: keyAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const previous = options.replaces === undefined ? [] : [options.replaces.certificate, ...options.replaces.previous];
  return { certificate, privateKey: keys.privateKey, previous };
}

/** A positive 128-bit serial (RFC 5280 allows 20 octets; the top bit cleared keeps it positive). */
export function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0]! &= 0x7f;
  return bytes.toString('hex');
}
