import { readdir, readFile } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { ErrorCode } from '../../errors/registry.ts';
import { compareVersions } from './compareVersions.ts';
import type { MigrationSet } from './MigrationSet.ts';
import type { InlineMigrationFile, MigrationSource } from './MigrationSource.ts';
import type { MigrationFile } from './MigrationFile.ts';
import { migrationChecksum } from './migrationChecksum.ts';
import { parseDirectives } from './parseDirectives.ts';
import { parseMigrationFilename } from './parseMigrationFilename.ts';

/** A problem with one file found while loading; lint shows these as findings, apply refuses to start. */
export interface LoadProblem {
  readonly code: ErrorCode;
  readonly script: string;
  readonly line: number;
  readonly message: string;
}

/** Loads and validates a migration source, throwing one coded error that lists every problem found. */
export async function loadMigrations(source: MigrationSource): Promise<MigrationSet> {
  const { set, problems } = await readMigrationSet(source);
  const [first] = problems;
  if (first) {
    throw new DbarchError(first.code, problems.map((p) => `${p.script}:${p.line}: ${p.message}`).join('\n'), {
      details: { problems },
    });
  }
  return set;
}

/** Loads a source and returns every problem instead of throwing on the first. */
export async function readMigrationSet(source: MigrationSource): Promise<{ set: MigrationSet; problems: LoadProblem[] }> {
  const inputs = 'dir' in source ? await readDirectory(source.dir) : source.files;
  const problems: LoadProblem[] = [];
  const versioned: MigrationFile[] = [];
  const repeatable: MigrationFile[] = [];
  const undo: MigrationFile[] = [];
  for (const input of inputs) {
    const script = input.name.split(sep).join(posix.sep);
    const basename = posix.basename(script);
    if (!basename.endsWith('.sql')) continue;
    const named = parseMigrationFilename(basename);
    if (!named) {
      problems.push({
        code: 'DBA_MIGRATION_FILENAME',
        script,
        line: 1,
        message: 'not a migration name: expected V<version>__<description>.sql, U<version>__<description>.sql or R__<description>.sql',
      });
      continue;
    }
    const sql = input.sql.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
    const { directives, problems: directiveProblems } = parseDirectives(sql);
    for (const problem of directiveProblems) {
      problems.push({ code: 'DBA_MIGRATION_DIRECTIVE', script, line: problem.line, message: problem.message });
    }
    const file: MigrationFile = { ...named, script, checksum: migrationChecksum(sql), sql, directives };
    (file.kind === 'versioned' ? versioned : file.kind === 'undo' ? undo : repeatable).push(file);
  }
  const byVersion = (a: MigrationFile, b: MigrationFile) => compareVersions(a.version ?? '0', b.version ?? '0');
  versioned.sort(byVersion);
  undo.sort(byVersion);
  repeatable.sort((a, b) => (a.description < b.description ? -1 : a.description > b.description ? 1 : 0));
  reportDuplicates(versioned, (f) => f.version ?? '', problems, 'version');
  reportDuplicates(undo, (f) => f.version ?? '', problems, 'undo version');
  reportDuplicates(repeatable, (f) => f.description, problems, 'repeatable description');
  for (const file of undo) {
    if (!versioned.some((v) => compareVersions(v.version ?? '0', file.version ?? '0') === 0)) {
      problems.push({ code: 'DBA_MIGRATION_UNDO_ORPHAN', script: file.script, line: 1, message: `no V${file.version} file for this undo script` });
    }
  }
  return { set: { versioned, repeatable, undo }, problems };
}

/** Neighbours after sorting are equal exactly when the versions (or descriptions) collide. */
function reportDuplicates(files: MigrationFile[], key: (file: MigrationFile) => string, problems: LoadProblem[], what: string): void {
  for (let i = 1; i < files.length; i++) {
    const previous = files[i - 1];
    const current = files[i];
    if (!previous || !current) continue;
    const same = what === 'repeatable description' ? key(previous) === key(current) : compareVersions(key(previous), key(current)) === 0;
    if (same) {
      problems.push({ code: 'DBA_MIGRATION_DUPLICATE', script: current.script, line: 1, message: `same ${what} as ${previous.script}` });
    }
  }
}

async function readDirectory(dir: string): Promise<InlineMigrationFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile() && entry.name.endsWith('.sql'))
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
      .sort();
  } catch (error) {
    throw new DbarchError('DBA_MIGRATION_SOURCE', `Cannot read migration directory ${dir}: ${(error as Error).message}`, {
      cause: error,
      details: { dir },
    });
  }
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(join(dir, name), 'utf8') })));
}
