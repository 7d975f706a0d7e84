import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ManagedCluster, ManagedMember } from './ManagedCluster.ts';
import type { MemberPaths } from './memberPaths.ts';
import { synchronousStandbyNames } from './synchronousStandbyNames.ts';
import { chownToServer } from './chownToServer.ts';
import { auditLogDirectory } from '../audit/auditLogDirectory.ts';
import { auditServerSettings } from '../audit/auditServerSettings.ts';
import { memberTlsIncludes } from '../tls/memberTlsFiles.ts';

/** The file dbarch owns in each PGDATA, included at the end of postgresql.conf; rewritten on every `cluster up`. */
export const memberConfigFile = 'dbarch.conf';
const includeLine = `include_if_exists = '${memberConfigFile}'`;

/** Quotes a postgresql.conf string value. */
export function confString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/**
 * Writes the member's own settings (dbarch.conf) and pg_hba.conf. Called after initdb, after pg_basebackup and
 * after pg_rewind, because the last two copy the source's files, whose port and socket are the source's.
 */
export function writeMemberConfig(cluster: ManagedCluster, member: ManagedMember, paths: MemberPaths): void {
  const settings: Record<string, string> = {
    listen_addresses: confString(member.host),
    port: String(member.port),
    unix_socket_directories: confString(paths.socket),
    cluster_name: confString(`${cluster.name}/${member.name}`),
    wal_level: "'replica'",
    hot_standby: 'on',
    hot_standby_feedback: 'on',
    // pg_rewind needs either; data checksums are on from initdb, hints cost nothing more then.
    wal_log_hints: 'on',
    max_wal_senders: String(Math.max(10, cluster.members.length * 2)),
    max_replication_slots: String(Math.max(10, cluster.members.length * 2)),
    // A standby that stays away does not fill the primary's disk through its slot.
    max_slot_wal_keep_size: "'2GB'",
    wal_keep_size: "'128MB'",
    synchronous_standby_names: confString(synchronousStandbyNames(cluster)),
    synchronous_commit: cluster.mode === 'async' ? "'local'" : "'on'",
    wal_receiver_status_interval: "'1s'",
    // A dead primary is noticed by its standbys within seconds, not a minute.
    wal_receiver_timeout: "'5s'",
    wal_sender_timeout: "'5s'",
    wal_retrieve_retry_interval: "'500ms'",
    shared_buffers: "'32MB'",
    max_connections: '100',
    lc_messages: "'C'",
    ...(cluster.audit === undefined ? {} : quotedSettings(auditServerSettings(cluster.audit.classes, auditLogDirectory(paths)))),
  };
  // TLS files of `dbarch tls rotate`, when it wrote them: kept out of PGDATA, included from here.
  const tls = memberTlsIncludes(paths);
  const body = [
    '# Written by dbarch (`dbarch cluster up`) for this member; edits are overwritten.',
    ...Object.entries(settings).map(([name, value]) => `${name} = ${value}`),
    ...tls.settings,
    '',
  ].join('\n');
  writeFileSync(path.join(paths.data, memberConfigFile), body, { mode: 0o600 });
  chownToServer(path.join(paths.data, memberConfigFile));
  const main = path.join(paths.data, 'postgresql.conf');
  const text = readFileSync(main, 'utf8');
  if (!text.includes(includeLine)) writeFileSync(main, `${text.trimEnd()}\n${includeLine}\n`);
  // Trust on loopback, as the rest of the local stack (the members listen on loopback only); replication too.
  writeFileSync(
    path.join(paths.data, 'pg_hba.conf'),
    ['# Written by dbarch for a managed cluster member.', 'local all all trust', 'local replication all trust', ...tls.hba, 'host all all 127.0.0.1/32 trust', 'host replication all 127.0.0.1/32 trust', 'host all all ::1/128 trust', 'host replication all ::1/128 trust', ''].join('\n'),
  );
}

/** Audit settings are plain values; postgresql.conf wants strings quoted (numbers and booleans may be too). */
function quotedSettings(settings: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).map(([name, value]) => [name, confString(value)]));
}
