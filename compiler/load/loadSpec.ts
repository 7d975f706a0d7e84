import type { IssueCollector } from '../IssueCollector.ts';
import { expandSpecPaths } from './expandSpecPaths.ts';
import { readSpecFile, type ReadLimits, defaultReadLimits } from './readSpecFile.ts';
import type { SourceFile } from './SourceFile.ts';
import type { SpecDocument } from './SpecDocument.ts';

/** Key every file may repeat: the version marker describes the file, not a section of the platform. */
export const apiVersionKey = 'apiVersion';

export interface LoadedSpec {
  /** The merged top-level mapping: section key → raw value. */
  readonly root: Record<string, unknown>;
  /** Which document defines each top-level key (and each file's apiVersion), for positions. */
  readonly origins: ReadonlyMap<string, SpecDocument>;
  /** Every apiVersion written, with where. */
  readonly apiVersions: readonly { value: unknown; origin: SpecDocument }[];
  readonly sources: readonly SourceFile[];
  readonly files: readonly string[];
}

/** Load stage: paths → merged raw spec. The same section in two places is an error naming both. */
export async function loadSpec(paths: readonly string[], issues: IssueCollector, limits: ReadLimits = defaultReadLimits): Promise<LoadedSpec> {
  const files = await expandSpecPaths(paths, issues);
  const root: Record<string, unknown> = {};
  const origins = new Map<string, SpecDocument>();
  const apiVersions: { value: unknown; origin: SpecDocument }[] = [];
  const sources: SourceFile[] = [];
  for (const file of files) {
    const { source, documents } = await readSpecFile(file, issues, limits);
    if (source !== undefined) sources.push(source);
    for (const doc of documents) {
      for (const [key, value] of Object.entries(doc.data)) {
        if (key === apiVersionKey) {
          apiVersions.push({ value, origin: doc });
          continue;
        }
        const first = origins.get(key);
        if (first !== undefined) {
          const here = doc.source.locate(doc.docIndex, [key], 'key');
          const there = first.source.locate(first.docIndex, [key], 'key');
          issues.add({
            file: doc.source.file,
            ...here,
            path: '/' + key,
            code: 'DBA_SPEC_DUPLICATE_SECTION',
            message: `section \`${key}\` is defined twice: here and at ${first.source.file}:${there.line}:${there.column}`,
            hint: `keep \`${key}\` in one file; merge the two definitions`,
          });
          continue;
        }
        origins.set(key, doc);
        // defineProperty, so a `__proto__` section stays data (and is reported as unknown) instead of a prototype.
        Object.defineProperty(root, key, { value, enumerable: true, writable: true, configurable: true });
      }
    }
  }
  return { root, origins, apiVersions, sources, files };
}
