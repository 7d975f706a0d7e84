import type { MigrationKind } from './MigrationFile.ts';

export interface ParsedMigrationFilename {
  readonly kind: MigrationKind;
  readonly version: string | null;
  readonly description: string;
}

const versionedOrUndo = /^([VU])(\d+(?:[._]\d+)*)__(.+)\.sql$/;
const repeatable = /^R__(.+)\.sql$/;

/**
 * Reads Flyway's naming: `V1_2__add_email.sql` is version 1.2, `U1_2__…` its undo, `R__views.sql` repeatable.
 * Returns null for a name that is none of these (the caller reports .sql files that do not match).
 */
export function parseMigrationFilename(basename: string): ParsedMigrationFilename | null {
  const matched = versionedOrUndo.exec(basename);
  if (matched) {
    const [, prefix, version = '', rawDescription = ''] = matched;
    const description = describe(rawDescription);
    if (description === '') return null;
    return { kind: prefix === 'V' ? 'versioned' : 'undo', version: version.replaceAll('_', '.'), description };
  }
  const repeated = repeatable.exec(basename);
  if (repeated) {
    const description = describe(repeated[1] ?? '');
    return description === '' ? null : { kind: 'repeatable', version: null, description };
  }
  return null;
}

function describe(raw: string): string {
  return raw.replaceAll('_', ' ').trim();
}
