import { readFileSync, statSync } from 'node:fs';
import { defaultReadLimits } from '../load/readSpecFile.ts';
import type { SourceTextLookup } from './formatIssuesText.ts';

/** Reads spec files again for the caret lines, skipping anything the compiler itself refused to read. */
export function readSourceText(maxBytes: number = defaultReadLimits.maxFileBytes): SourceTextLookup {
  return (file) => {
    try {
      if (statSync(file).size > maxBytes) return undefined;
      const buffer = readFileSync(file);
      if (buffer.includes(0)) return undefined;
      return buffer.toString('utf8').replace(/^\uFEFF/, '');
    } catch {
      return undefined;
    }
  };
}
