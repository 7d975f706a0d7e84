import { createHash } from 'node:crypto';

/**
 * sha256 of the normalised file text (the caller strips the BOM and turns CRLF into LF first), so a
 * checkout on Windows does not look like an edit. Computed before placeholders: one file, one checksum
 * in every environment.
 */
export function migrationChecksum(normalisedSql: string): string {
  return createHash('sha256').update(normalisedSql, 'utf8').digest('hex');
}
