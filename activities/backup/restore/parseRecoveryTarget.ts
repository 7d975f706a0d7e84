import { DbarchError } from '../../../errors/DbarchError.ts';
import { parseLsn } from '../wal/Lsn.ts';
import type { RecoveryTarget } from './RecoveryTarget.ts';

/** What a user gives (CLI flags, the workflow's JSON input): at most one of these; none means `latest`. */
export interface RecoveryTargetInput {
  readonly targetTime?: string;
  readonly targetLsn?: string;
  readonly targetXid?: string;
  readonly targetName?: string;
}

/** Turns flags into a target, or DBA_RESTORE_TARGET_INVALID naming what is wrong. */
export function parseRecoveryTarget(input: RecoveryTargetInput): RecoveryTarget {
  const given = (['targetTime', 'targetLsn', 'targetXid', 'targetName'] as const).filter((key) => input[key] !== undefined);
  const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (given.length > 1) throw new DbarchError('DBA_RESTORE_TARGET_INVALID', `give one recovery target, not ${given.map(flag).join(' and ')}`);
  if (input.targetTime !== undefined) {
    // An offset is required: a bare local time would mean different points on the worker and the CLI's machine.
    const text = input.targetTime.trim();
    if (!/^[0-9T:.+\- ]+(Z|[+-]\d{2}(:?\d{2})?)$/i.test(text)) {
      throw new DbarchError('DBA_RESTORE_TARGET_INVALID', `target time "${input.targetTime}" has no time zone`, { hint: 'write it as ISO 8601 with Z or an offset, e.g. 2026-01-02T03:04:05.123Z' });
    }
    // PostgreSQL prints "2026-01-02 03:04:05.123456+00": accepted as it is, and read here with the offset completed.
    const time = new Date(text.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));
    if (Number.isNaN(time.getTime())) throw new DbarchError('DBA_RESTORE_TARGET_INVALID', `target time "${input.targetTime}" is not a date`);
    return { kind: 'time', time, text };
  }
  if (input.targetLsn !== undefined) {
    const lsn = parseLsn(input.targetLsn);
    if (lsn === undefined) throw new DbarchError('DBA_RESTORE_TARGET_INVALID', `target LSN "${input.targetLsn}" is not an LSN`, { hint: 'an LSN is two hex numbers, e.g. 0/3000060 (pg_current_wal_lsn())' });
    return { kind: 'lsn', lsn };
  }
  if (input.targetXid !== undefined) {
    if (!/^[1-9]\d{0,19}$/.test(input.targetXid)) throw new DbarchError('DBA_RESTORE_TARGET_INVALID', `target xid "${input.targetXid}" is not a transaction id`, { hint: 'a transaction id is a positive integer (pg_current_xact_id())' });
    return { kind: 'xid', xid: input.targetXid };
  }
  if (input.targetName !== undefined) {
    // recovery_target_name is at most 63 bytes (MAXFNAMELEN - 1), as pg_create_restore_point allows.
    // eslint-disable-next-line no-control-regex -- a control character has no business in a configuration value
    if (input.targetName === '' || Buffer.byteLength(input.targetName) > 63 || /[\u0000-\u001f]/.test(input.targetName)) {
      throw new DbarchError('DBA_RESTORE_TARGET_INVALID', `restore point name "${input.targetName}" must be 1 to 63 bytes without control characters`);
    }
    return { kind: 'name', name: input.targetName };
  }
  return { kind: 'latest' };
}
