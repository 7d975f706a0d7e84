import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { defaultReadLimits } from '../load/readSpecFile.ts';
import type { SourceTextLookup } from './formatIssuesText.ts';

/**
 * Reads spec files again for the caret lines, skipping anything the compiler itself refused to read: only regular
 * files (a FIFO would block, a device never ends), never more than `maxBytes`, even if the file grew since.
 */
export function readSourceText(maxBytes: number = defaultReadLimits.maxFileBytes): SourceTextLookup {
  return (file) => {
    let fd: number | undefined;
    try {
      const info = statSync(file);
      if (!info.isFile() || info.size > maxBytes) return undefined;
      fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
      if (!fstatSync(fd).isFile()) return undefined;
      const buffer = Buffer.alloc(maxBytes + 1);
      let total = 0;
      for (;;) {
        const n = readSync(fd, buffer, total, buffer.length - total, null);
        if (n === 0) break;
        total += n;
        if (total > maxBytes) return undefined;
      }
      const text = buffer.subarray(0, total);
      if (text.includes(0)) return undefined;
      return text.toString('utf8').replace(/^\uFEFF/, '');
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  };
}
