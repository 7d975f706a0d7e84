import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { IssueCollector } from '../IssueCollector.ts';

/**
 * The files a spec consists of: each path is a file, or a directory whose `.yaml`/`.yml` files (not its
 * subdirectories, so `specs/` and `specs/examples/` stay separate specs) are read in name order. Symlinked
 * entries are followed (the reader refuses a target that is not a regular file); pipes and devices are skipped.
 */
export async function expandSpecPaths(paths: readonly string[], issues: IssueCollector): Promise<string[]> {
  const files: string[] = [];
  const seen = new Set<string>();
  const add = async (file: string) => {
    const real = await realpath(file).catch(() => file);
    if (seen.has(real)) return;
    seen.add(real);
    files.push(file);
  };
  for (const given of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(given)).isDirectory();
    } catch {
      issues.fileIssue(given, 'DBA_SPEC_PATH_NOT_FOUND', `no such file or directory: ${given}`);
      continue;
    }
    if (!isDirectory) {
      await add(given);
      continue;
    }
    const entries = await readdir(given, { withFileTypes: true });
    const yamlFiles = entries
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && /\.ya?ml$/i.test(e.name) && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
    if (yamlFiles.length === 0) issues.fileIssue(given, 'DBA_SPEC_NO_FILES', `directory ${given} holds no .yaml or .yml files`);
    for (const name of yamlFiles) await add(path.join(given, name));
  }
  return files;
}
