import { existsSync, readFileSync } from 'node:fs';
import type { InternalCa } from './InternalCa.ts';
import type { MemberTlsFiles } from './memberTlsFiles.ts';
import { x509 } from './x509.ts';

export interface MemberCertificate {
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly issuer: string;
  /** Subject alternative names (IPs and DNS names). */
  readonly hosts: readonly string[];
  /** Signed by the CA dbarch holds now (false after the CA was replaced, or for a certificate put there by hand). */
  readonly signedByCurrentCa: boolean;
}

/** The certificate dbarch wrote for a member, or undefined when there is none. */
export async function readMemberCertificate(files: MemberTlsFiles, ca: InternalCa): Promise<MemberCertificate | undefined> {
  if (!existsSync(files.certificate)) return undefined;
  const certificate = new x509.X509Certificate(readFileSync(files.certificate, 'utf8'));
  const san = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  const signedByCurrentCa = certificate.issuer === ca.certificate.subject && (await certificate.verify({ publicKey: ca.certificate.publicKey, signatureOnly: true }));
  return {
    serial: certificate.serialNumber,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    issuer: certificate.issuer,
    hosts: (san?.names.items ?? []).map((n) => n.value),
    signedByCurrentCa,
  };
}
