import { constants } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { isAlias, isMap, LineCounter, parseAllDocuments, visit, type Document, type YAMLError } from 'yaml';
import type { ErrorCode } from '../../errors/registry.ts';
import type { IssueCollector } from '../IssueCollector.ts';
import { nestingTooDeep } from './nestingTooDeep.ts';
import { SourceFile } from './SourceFile.ts';
import type { SpecDocument } from './SpecDocument.ts';

export interface ReadLimits {
  /** Files larger than this are refused before being read, and never read past. */
  readonly maxFileBytes: number;
  /** Alias expansions per document (yaml's maxAliasCount); bounds alias bombs. */
  readonly maxAliasCount: number;
  /** Flow collection nesting depth. */
  readonly maxFlowDepth: number;
  /** Block collection nesting depth (indentation levels and compact `- - -` nesting). */
  readonly maxBlockDepth: number;
}

export const defaultReadLimits: ReadLimits = { maxFileBytes: 1024 * 1024, maxAliasCount: 100, maxFlowDepth: 64, maxBlockDepth: 64 };

const yamlCodes: Readonly<Record<string, ErrorCode>> = {
  DUPLICATE_KEY: 'DBA_YAML_DUPLICATE_KEY',
  TAB_AS_INDENT: 'DBA_YAML_TAB_INDENT',
  MISSING_CHAR: 'DBA_YAML_UNCLOSED_QUOTE',
  BAD_ALIAS: 'DBA_YAML_UNDEFINED_ALIAS',
};

/**
 * Reads one spec file into plain data per YAML document, turning every way a file can be hostile (too big, binary,
 * too deep, broken YAML, alias bombs) into coded issues with positions. Never throws for file content.
 */
export async function readSpecFile(file: string, issues: IssueCollector, limits: ReadLimits = defaultReadLimits): Promise<{ source?: SourceFile; documents: SpecDocument[] }> {
  const read = await readCapped(file, limits.maxFileBytes);
  if ('code' in read) {
    issues.fileIssue(file, read.code, read.message);
    return { documents: [] };
  }
  const buffer = read.buffer;
  const text = decodeText(buffer);
  const lineCounter = new LineCounter();
  if (typeof text !== 'string') {
    issues.add({ file, line: text.line, column: text.column, path: '', code: 'DBA_YAML_BINARY', message: text.message });
    return { documents: [] };
  }
  const deep = nestingTooDeep(text, limits);
  if (deep !== undefined) {
    issues.add({ file, ...lineColumn(text, deep.offset), path: '', code: 'DBA_YAML_TOO_DEEP', message: `${deep.kind} collections nest deeper than ${deep.limit} levels` });
    return { source: new SourceFile(file, text, lineCounter, []), documents: [] };
  }

  let parsed: Document.Parsed[];
  try {
    parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: true, merge: true, prettyErrors: false });
  } catch (error) {
    // The yaml parser recurses on nesting; should a file get past the pre-scan, the stack overflow is still coded.
    issues.fileIssue(file, isStackOverflow(error) ? 'DBA_YAML_TOO_DEEP' : 'DBA_YAML_SYNTAX', `cannot parse: ${error instanceof Error ? error.message : String(error)}`);
    return { documents: [] };
  }
  const source = new SourceFile(file, text, lineCounter, parsed);
  const documents: SpecDocument[] = [];
  parsed.forEach((doc, docIndex) => {
    for (const error of doc.errors) report(issues, source, error, 'error');
    for (const warning of doc.warnings) report(issues, source, warning, 'warning');
    // Duplicate keys leave a usable document: keep validating it so all problems show at once.
    if (doc.errors.some((e) => e.code !== 'DUPLICATE_KEY')) return;
    const data = toData(doc, docIndex, source, issues, limits);
    if (data !== undefined) documents.push({ source, docIndex, data });
  });
  if (parsed.length === 0 || parsed.every((d) => d.contents === null)) {
    issues.fileIssue(file, 'DBA_SPEC_EMPTY', 'file holds no spec sections', undefined, 'warning');
  }
  return { source, documents };
}

function toData(doc: Document.Parsed, docIndex: number, source: SourceFile, issues: IssueCollector, limits: ReadLimits): Record<string, unknown> | undefined {
  if (doc.contents === null) return undefined;
  if (!isMap(doc.contents)) {
    const pos = source.position(doc.contents.range[0]);
    issues.add({ file: source.file, ...pos, path: '', code: 'DBA_SPEC_NOT_MAPPING', message: 'a spec document must be a mapping of section names (e.g. `gateway_config:`)' });
    return undefined;
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const { offset, name } = firstAlias(doc, /Unresolved alias/.test(message));
    const pos = source.position(offset);
    if (/Unresolved alias/.test(message)) {
      issues.add({ file: source.file, ...pos, path: '', code: 'DBA_YAML_UNDEFINED_ALIAS', message: `alias *${name} refers to no anchor defined before it` });
    } else if (/alias/i.test(message)) {
      issues.add({ file: source.file, ...pos, path: '', code: 'DBA_YAML_ALIAS_LIMIT', message: `aliases expand to more than ${limits.maxAliasCount} nodes` });
    } else {
      issues.add({ file: source.file, ...pos, path: '', code: isStackOverflow(error) ? 'DBA_YAML_TOO_DEEP' : 'DBA_YAML_SYNTAX', message });
    }
    return undefined;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  return Object.fromEntries(Object.entries(data));
}

/** The first alias (or the first unresolved one), to point the alias errors at. */
function firstAlias(doc: Document.Parsed, unresolvedOnly: boolean): { offset: number; name: string } {
  let found: { offset: number; name: string } | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node) && (!unresolvedOnly || node.resolve(doc) === undefined)) {
        found = { offset: node.range?.[0] ?? 0, name: node.source };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found ?? { offset: 0, name: '' };
}

function report(issues: IssueCollector, source: SourceFile, error: YAMLError, severity: 'error' | 'warning'): void {
  const pos = source.position(error.pos[0]);
  // The composer catches its own stack overflow and reports it as an ordinary error.
  const code = yamlCodes[error.code] ?? (isStackOverflow(error) ? 'DBA_YAML_TOO_DEEP' : 'DBA_YAML_SYNTAX');
  const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  issues.add({ file: source.file, ...pos, path: '', code, message, severity });
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError || (error instanceof Error && /Maximum call stack size exceeded/.test(error.message));
}

type CappedRead = { buffer: Buffer } | { code: ErrorCode; message: string };

/**
 * The bytes of a regular file (symlinks followed), never more than `max`. Devices, FIFOs and sockets are refused
 * before being opened (opening a FIFO blocks until a writer comes; /dev/zero never ends), and the read stops one
 * byte past the limit, so a file that grows after the size check cannot make it read more.
 */
async function readCapped(file: string, max: number): Promise<CappedRead> {
  const tooLarge = (size: string): CappedRead => ({ code: 'DBA_YAML_FILE_TOO_LARGE', message: `file is ${size}, above the ${formatBytes(max)} limit` });
  let handle: FileHandle | undefined;
  try {
    const info = await stat(file);
    if (!info.isFile()) return notAFile(file, info);
    if (info.size > max) return tooLarge(formatBytes(info.size));
    // O_NONBLOCK: should the path have been swapped for a FIFO since the stat, opening it must not wait.
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const opened = await handle.stat();
    if (!opened.isFile()) return notAFile(file, opened);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, max + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > max) return tooLarge(`more than ${formatBytes(max)} (it grew while being read)`);
    }
    return { buffer: Buffer.concat(chunks, total) };
  } catch (error) {
    return { code: 'DBA_SPEC_PATH_NOT_FOUND', message: `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await handle?.close();
  }
}

function notAFile(file: string, info: { isCharacterDevice(): boolean; isBlockDevice(): boolean; isFIFO(): boolean; isSocket(): boolean; isDirectory(): boolean }): CappedRead {
  const kind = info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isFIFO() ? 'a named pipe (FIFO)' : info.isSocket() ? 'a socket' : info.isDirectory() ? 'a directory' : 'not a regular file';
  return { code: 'DBA_SPEC_NOT_A_FILE', message: `${file} is ${kind}, not a regular file; a spec is read from .yaml/.yml files only` };
}

/** UTF-8 text, or where the bytes stop being text. A leading BOM is dropped. */
function decodeText(buffer: Buffer): string | { line: number; column: number; message: string } {
  const nul = buffer.indexOf(0);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buffer);
  } catch {
    const lenient = new TextDecoder('utf-8').decode(buffer);
    return { ...lineColumn(lenient, lenient.indexOf('\uFFFD')), message: 'file is not valid UTF-8 text (binary data?)' };
  }
  if (nul >= 0) return { ...lineColumn(text, text.indexOf('\u0000')), message: 'file holds NUL bytes (binary data?)' };
  return text;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}
