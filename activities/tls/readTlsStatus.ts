import { livePostmaster } from '../cluster/inspectMember.ts';
import type { ManagedCluster } from '../cluster/ManagedCluster.ts';
import { memberPaths } from '../cluster/memberPaths.ts';
import type { ClusterTls } from './ClusterTls.ts';
import { trustBundlePem } from './internalCaPem.ts';
import { loadInternalCa } from './loadInternalCa.ts';
import { memberTlsFiles } from './memberTlsFiles.ts';
import { normaliseSerial, probeServerCertificate } from './probeServerCertificate.ts';
import { readMemberCertificate } from './readMemberCertificate.ts';

export interface MemberTlsStatus {
  readonly member: string;
  /** The certificate on disk, or null before the first rotation. */
  readonly certificate: { readonly serial: string; readonly notBefore: string; readonly notAfter: string; readonly dueAt: string; readonly due: boolean; readonly signedByCurrentCa: boolean } | null;
  /** What a new connection is served now (verified against the CA), or why it could not be checked. */
  readonly served: { readonly serial: string; readonly protocol: string | null; readonly cipher: string; readonly current: boolean } | { readonly error: string } | null;
}

export interface TlsStatus {
  readonly cluster: string;
  readonly ca: { readonly subject: string; readonly notAfter: string; readonly previous: number };
  readonly minVersion: string;
  readonly cipherSuites: readonly string[];
  readonly certificateRoles: readonly string[];
  readonly members: readonly MemberTlsStatus[];
}

/** `dbarch tls status`: each member's certificate on disk, when it is due, and what running members serve. Changes nothing. */
export async function readTlsStatus(cluster: ManagedCluster, tls: ClusterTls, options: { now?: Date; env?: NodeJS.ProcessEnv } = {}): Promise<TlsStatus> {
  const now = options.now ?? new Date();
  const { ca } = await loadInternalCa(tls.caReference, { name: tls.caName, ...(options.env === undefined ? {} : { env: options.env }) });
  const trust = trustBundlePem(ca);
  const members = await Promise.all(cluster.members.map(async (member): Promise<MemberTlsStatus> => {
    const paths = memberPaths(cluster, member);
    const onDisk = await readMemberCertificate(memberTlsFiles(paths), ca);
    const dueAt = onDisk === undefined ? undefined : new Date(onDisk.notBefore.getTime() + tls.rotationDays * 86_400_000);
    let served: MemberTlsStatus['served'] = null;
    if (livePostmaster(paths.data) !== undefined) {
      served = await probeServerCertificate(member.host, member.port, trust).then(
        (s) => ({ serial: s.serial, protocol: s.protocol, cipher: s.cipher, current: onDisk !== undefined && s.serial === normaliseSerial(onDisk.serial) }),
        (error: Error) => ({ error: error.message }),
      );
    }
    return {
      member: member.name,
      certificate: onDisk === undefined || dueAt === undefined ? null : {
        serial: onDisk.serial,
        notBefore: onDisk.notBefore.toISOString(),
        notAfter: onDisk.notAfter.toISOString(),
        dueAt: dueAt.toISOString(),
        due: dueAt.getTime() <= now.getTime() || !onDisk.signedByCurrentCa,
        signedByCurrentCa: onDisk.signedByCurrentCa,
      },
      served,
    };
  }));
  return {
    cluster: cluster.name,
    ca: { subject: ca.certificate.subject, notAfter: ca.certificate.notAfter.toISOString(), previous: ca.previous.length },
    minVersion: tls.minVersion,
    cipherSuites: tls.cipherSuites,
    certificateRoles: tls.certificateRoles,
    members,
  };
}
