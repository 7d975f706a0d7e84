import { formatLsn } from '../wal/Lsn.ts';
import type { RecoveryTarget } from './RecoveryTarget.ts';

export interface RecoveryServerSettings {
  readonly port: number;
  readonly host: string;
  readonly restoreCommand: string;
  /** Anything else the instance needs (e.g. smaller shared_buffers for a scratch drill). */
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * The settings a restored instance starts with: where it listens, restore_command (dbarch wal-fetch), the target
 * and recovery_target_action = promote, so it opens for writes once the target is reached. Archiving is off: a
 * copy must not push a new timeline into its source's archive (turn it on with `dbarch backup configure` when
 * the copy becomes a cluster of its own).
 */
export function recoverySettings(target: RecoveryTarget, server: RecoveryServerSettings): Record<string, string> {
  const settings: Record<string, string> = {
    port: String(server.port),
    listen_addresses: server.host,
    // TCP only: the backup's socket directory may belong to the source's host.
    unix_socket_directories: '',
    archive_mode: 'off',
    restore_command: server.restoreCommand,
    recovery_target_action: 'promote',
    recovery_target_timeline: 'latest',
  };
  switch (target.kind) {
    case 'time':
      settings.recovery_target_time = target.text;
      break;
    case 'lsn':
      settings.recovery_target_lsn = formatLsn(target.lsn);
      break;
    case 'xid':
      settings.recovery_target_xid = target.xid;
      break;
    case 'name':
      settings.recovery_target_name = target.name;
      break;
    case 'latest':
      break;
  }
  return { ...settings, ...server.extra };
}
