import { DbarchError } from '../../errors/DbarchError.ts';

const versionPattern = /^\d+(?:[._]\d+)*$/;

/** Whether text is a migration version: digits separated by `.` or `_` (`1`, `1.2`, `2024_05_01`). */
export function isVersion(text: string): boolean {
  return versionPattern.test(text);
}

/**
 * Numeric parts of a version with trailing zeros dropped, so `1`, `001` and `1.0` are the same version
 * and `1.10` sorts after `1.9`. BigInt keeps timestamp versions (20240501123000…) exact.
 */
export function versionParts(version: string): bigint[] {
  if (!isVersion(version)) {
    throw new DbarchError('DBA_MIGRATION_TARGET', `"${version}" is not a migration version.`);
  }
  const parts = version.split(/[._]/).map((part) => BigInt(part));
  while (parts.length > 1 && parts[parts.length - 1] === 0n) parts.pop();
  return parts;
}

/** Orders two versions numerically part by part: negative if a < b, 0 if equal, positive if a > b. */
export function compareVersions(a: string, b: string): number {
  const left = versionParts(a);
  const right = versionParts(b);
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const l = left[i] ?? 0n;
    const r = right[i] ?? 0n;
    if (l !== r) return l < r ? -1 : 1;
  }
  return 0;
}
