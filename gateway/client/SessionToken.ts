import { DbarchError } from '../../errors/DbarchError.ts';
import { formatLsn, parseLsn, type Lsn } from './Lsn.ts';

const prefix = 'lsn1:';

/**
 * The read-your-writes token: the primary's WAL position after the caller's last write. A replica that has
 * replayed up to it shows everything the caller wrote; text so it can travel in a header or a cookie.
 */
export const SessionToken = {
  format(lsn: Lsn): string {
    return `${prefix}${formatLsn(lsn)}`;
  },
  parse(token: string): Lsn {
    const lsn = token.startsWith(prefix) ? parseLsn(token.slice(prefix.length)) : undefined;
    if (lsn === undefined) throw new DbarchError('DBA_CLIENT_CONFIG', `"${token}" is not a session token`, { hint: 'Pass back the sessionToken a result or session gave you (lsn1:<wal position>).' });
    return lsn;
  },
};
