import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { LogPosition } from './LogPosition.ts';

export interface LogLine {
  /** Byte offset of the line in its file. */
  readonly offset: number;
  readonly text: string;
}

export interface LogBatch {
  /** The file the lines are from; undefined when there is no log file yet. */
  readonly file: string | undefined;
  readonly start: LogPosition | undefined;
  readonly lines: readonly LogLine[];
  /** Where the next batch starts. */
  readonly next: LogPosition | undefined;
  /** Files that were gone before they were read to their end (removed by hand or by a cleanup job). */
  readonly skippedFiles: readonly string[];
}

/**
 * Reads up to `maxBytes` of complete lines of the jsonlog files in `directory` from `position` (no position: the
 * oldest file's start). The logging collector writes whole records, so a file that a newer one follows and whose
 * end was reached is finished and the next batch moves on to the newer file; a partial last line of the newest
 * file is left for the next call. One batch never spans two files.
 */
export async function readLogBatch(directory: string, position: LogPosition | undefined, maxBytes: number): Promise<LogBatch> {
  const files = (await readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  })).filter((name) => name.endsWith('.json')).sort();
  const skippedFiles: string[] = [];
  let current = position;
  if (current === undefined) {
    const first = files[0];
    if (first === undefined) return { file: undefined, start: undefined, lines: [], next: undefined, skippedFiles };
    current = { file: first, offset: 0 };
  }
  for (;;) {
    if (!files.includes(current.file)) {
      const later = files.find((name) => name > current!.file);
      skippedFiles.push(current.file);
      if (later === undefined) return { file: undefined, start: current, lines: [], next: current, skippedFiles };
      current = { file: later, offset: 0 };
      continue;
    }
    const { lines, end, size } = await readLines(path.join(directory, current.file), current.offset, maxBytes);
    if (lines.length > 0) return { file: current.file, start: current, lines, next: { file: current.file, offset: end }, skippedFiles };
    const later = files.find((name) => name > current!.file);
    // A newer file exists and nothing complete is left in this one: it is finished.
    if (later !== undefined && size <= end) {
      current = { file: later, offset: 0 };
      continue;
    }
    return { file: current.file, start: current, lines: [], next: current, skippedFiles };
  }
}

async function readLines(file: string, offset: number, maxBytes: number): Promise<{ lines: LogLine[]; end: number; size: number }> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(maxBytes, Math.max(0, size - offset));
    const buffer = Buffer.alloc(length);
    const { bytesRead } = length === 0 ? { bytesRead: 0 } : await handle.read(buffer, 0, length, offset);
    const lines: LogLine[] = [];
    let start = 0;
    for (;;) {
      const newline = buffer.indexOf(10, start);
      if (newline === -1 || newline >= bytesRead) break;
      lines.push({ offset: offset + start, text: buffer.subarray(start, newline).toString('utf8') });
      start = newline + 1;
    }
    // One record longer than maxBytes would never fit: read it whole.
    if (lines.length === 0 && bytesRead === maxBytes && maxBytes < size - offset) return readLines(file, offset, maxBytes * 2);
    return { lines, end: offset + start, size };
  } finally {
    await handle.close();
  }
}
