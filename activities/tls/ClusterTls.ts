import type { CompiledSpec } from '../../compiler/CompiledSpec.ts';
import { normaliseTlsVersion } from '../../compiler/grammar/tlsCipherSuites.ts';

/** What the spec asks of the TLS of the clusters dbarch manages (security_config), as the engine uses it. */
export interface ClusterTls {
  /** Secret reference of the internal CA (`in_transit.internal_ca`). */
  readonly caReference: string;
  /** Common name of a CA dbarch creates (`authentication.certificate_authority`). */
  readonly caName: string;
  readonly minVersion: 'TLSv1.2' | 'TLSv1.3';
  /** IANA names, as the spec lists them (validated against the version by the compiler); empty: OpenSSL's defaults. */
  readonly cipherSuites: readonly string[];
  /** Refuse connections without TLS for every role but the `postgres` superuser on loopback (dbarch's own path). */
  readonly require: boolean;
  /** Certificates are reissued once this old (`authentication.rotation_days`, default 90). */
  readonly rotationDays: number;
  /** Roles that must log in with a client certificate (`cert` in pg_hba): the login members when the method is `certificate`. */
  readonly certificateRoles: readonly string[];
}

/** The TLS the spec asks for, or undefined when it names no internal CA (then dbarch configures no TLS). */
export function clusterTlsOfSpec(spec: Pick<CompiledSpec, 'security_config'>): ClusterTls | undefined {
  const security = spec.security_config;
  const inTransit = security?.encryption?.in_transit;
  if (inTransit?.internal_ca === undefined) return undefined;
  const auth = security?.authentication;
  const members = (security?.authorization?.roles ?? []).flatMap((r) => (r.members ?? []).map((m) => (typeof m === 'string' ? m : m.name)));
  return {
    caReference: inTransit.internal_ca,
    caName: auth?.certificate_authority ?? 'dbarch-internal-ca',
    minVersion: normaliseTlsVersion(inTransit.tls_version) === '1.2' ? 'TLSv1.2' : 'TLSv1.3',
    cipherSuites: [...(inTransit.cipher_suites ?? [])],
    require: inTransit.require ?? true,
    rotationDays: auth?.rotation_days ?? 90,
    certificateRoles: auth?.method === 'certificate' ? [...new Set(members)] : [],
  };
}

/** Certificates live a third longer than the rotation period, so a missed rotation run leaves time to notice. */
export function certificateDays(tls: Pick<ClusterTls, 'rotationDays'>): number {
  return Math.ceil(tls.rotationDays * (4 / 3));
}
