import type { SourceFile } from './SourceFile.ts';

/** One YAML document of a spec file, converted to plain data, with the file it came from. */
export interface SpecDocument {
  readonly source: SourceFile;
  readonly docIndex: number;
  /** The document's top-level mapping as plain JSON data (aliases expanded, within the alias limit). */
  readonly data: Record<string, unknown>;
}
