import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { tls12CipherSuites, tls13CipherSuites } from '../../compiler/grammar/tlsCipherSuites.ts';
import type { MemberPaths } from '../cluster/memberPaths.ts';
import type { ClusterTls } from './ClusterTls.ts';
import { openSslCipherNames } from './openSslCipherNames.ts';

/**
 * A member's TLS files, in `<member root>/tls/`: outside PGDATA, so pg_basebackup and pg_rewind never copy one
 * member's certificate to another, and owned by the dbarch tls engine; writeMemberConfig only includes them.
 */
export interface MemberTlsFiles {
  readonly dir: string;
  readonly certificate: string;
  readonly key: string;
  /** The CAs whose client certificates the server accepts (ssl_ca_file). */
  readonly trust: string;
  /** Settings, included at the end of the member's dbarch.conf. */
  readonly settings: string;
  /** pg_hba lines, put before the loopback trust lines. */
  readonly hba: string;
  /** OpenSSL configuration of the postmaster (OPENSSL_CONF): PostgreSQL 15 has no setting for TLS 1.3 suites. */
  readonly openSsl: string;
}

export function memberTlsFiles(paths: Pick<MemberPaths, 'root'>): MemberTlsFiles {
  const dir = path.join(paths.root, 'tls');
  return {
    dir,
    certificate: path.join(dir, 'server.crt'),
    key: path.join(dir, 'server.key'),
    trust: path.join(dir, 'ca.crt'),
    settings: path.join(dir, 'postgresql.conf'),
    hba: path.join(dir, 'pg_hba.conf'),
    openSsl: path.join(dir, 'openssl.cnf'),
  };
}

const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** postgresql.conf lines. ssl_ciphers governs TLS 1.2 only; TLS 1.3 suites are in memberOpenSslConfig. */
export function memberTlsSettings(tls: ClusterTls, files: MemberTlsFiles): string {
  const tls12 = tls.cipherSuites.filter((s): s is (typeof tls12CipherSuites)[number] => (tls12CipherSuites as readonly string[]).includes(s));
  const settings: [string, string][] = [
    ['ssl', 'on'],
    ['ssl_cert_file', quote(files.certificate)],
    ['ssl_key_file', quote(files.key)],
    ['ssl_ca_file', quote(files.trust)],
    ['ssl_min_protocol_version', quote(tls.minVersion)],
    ['ssl_prefer_server_ciphers', 'on'],
    ...(tls.minVersion === 'TLSv1.2' ? [['ssl_ciphers', quote((tls12.length > 0 ? tls12 : tls12CipherSuites).map((s) => openSslCipherNames[s]).join(':'))] as [string, string]] : []),
  ];
  return ['# Written by dbarch (`dbarch tls rotate`); edits are overwritten.', ...settings.map(([k, v]) => `${k} = ${v}`), ''].join('\n');
}

/** The OpenSSL system default the postmaster reads at start: the spec's TLS 1.3 suites, or none when it lists none. */
export function memberOpenSslConfig(tls: ClusterTls): string | undefined {
  const tls13 = tls.cipherSuites.filter((s) => (tls13CipherSuites as readonly string[]).includes(s));
  if (tls13.length === 0) return undefined;
  return ['# Written by dbarch for the member\'s postmaster (OPENSSL_CONF); read at server start.', 'openssl_conf = dbarch_init', '[dbarch_init]', 'ssl_conf = dbarch_ssl', '[dbarch_ssl]', 'system_default = dbarch_tls', '[dbarch_tls]', `Ciphersuites = ${tls13.join(':')}`, ''].join('\n');
}

/**
 * pg_hba lines: certificate roles only with a client certificate over TLS; with `require`, no role but the
 * `postgres` superuser (dbarch's own loopback path, like the local stack's trust) without TLS.
 */
export function memberTlsHba(tls: ClusterTls): string {
  const lines = ['# Written by dbarch (`dbarch tls rotate`).'];
  for (const role of tls.certificateRoles) {
    const name = `"${role.replaceAll('"', '""')}"`;
    lines.push(`hostssl all ${name} 127.0.0.1/32 cert`, `hostssl all ${name} ::1/128 cert`, `host all ${name} all reject`);
  }
  if (tls.require) lines.push('host all postgres 127.0.0.1/32 trust', 'host all postgres ::1/128 trust', 'hostnossl all all all reject');
  return `${lines.join('\n')}\n`;
}

/** For writeMemberConfig: the include line and the pg_hba lines of a member whose TLS dbarch wrote, else nothing. */
export function memberTlsIncludes(paths: Pick<MemberPaths, 'root'>): { settings: string[]; hba: string[] } {
  const files = memberTlsFiles(paths);
  if (!existsSync(files.settings)) return { settings: [], hba: [] };
  return { settings: [`include_if_exists = ${quote(files.settings)}`], hba: existsSync(files.hba) ? readFileSync(files.hba, 'utf8').trimEnd().split('\n') : [] };
}

/** The postmaster's environment: OPENSSL_CONF when the member has an OpenSSL configuration of dbarch's. */
export function memberOpenSslEnv(paths: Pick<MemberPaths, 'root'>): NodeJS.ProcessEnv {
  const file = memberTlsFiles(paths).openSsl;
  return existsSync(file) ? { OPENSSL_CONF: file } : {};
}
