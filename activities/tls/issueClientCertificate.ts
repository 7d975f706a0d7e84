import { DbarchError } from '../../errors/DbarchError.ts';
import { certificateDays, type ClusterTls } from './ClusterTls.ts';
import { trustBundlePem } from './internalCaPem.ts';
import { issueCertificate } from './issueCertificate.ts';
import { loadInternalCa } from './loadInternalCa.ts';

export interface ClientCredentials {
  readonly role: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** The CAs to verify the servers with (sslrootcert). */
  readonly caPem: string;
  readonly serial: string;
  readonly notAfter: string;
}

/**
 * A client certificate for a service role that logs in by certificate (CN = the role, as `cert` auth matches it),
 * with the CA bundle to verify servers: what `dbarch tls client-cert` writes for a service to mount.
 */
export async function issueClientCertificate(tls: ClusterTls, role: string, options: { now?: Date; env?: NodeJS.ProcessEnv } = {}): Promise<ClientCredentials> {
  if (!tls.certificateRoles.includes(role)) {
    throw new DbarchError('DBA_TLS_UNKNOWN_ROLE', `role ${role} does not log in by certificate in this spec`, {
      hint: tls.certificateRoles.length > 0 ? `certificate roles: ${tls.certificateRoles.join(', ')}` : 'set authentication.method: certificate and list the service roles as `members` of authorization.roles',
      details: { role },
    });
  }
  const { ca } = await loadInternalCa(tls.caReference, { name: tls.caName, create: true, ...(options.env === undefined ? {} : { env: options.env }) });
  const issued = await issueCertificate(ca, { commonName: role, usage: 'client', days: certificateDays(tls), ...(options.now === undefined ? {} : { now: options.now }) });
  return { role, certificatePem: issued.certificatePem, privateKeyPem: issued.privateKeyPem, caPem: trustBundlePem(ca), serial: issued.serial, notAfter: issued.notAfter.toISOString() };
}
