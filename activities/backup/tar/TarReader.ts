import { Writable } from 'node:stream';
import { DbarchError } from '../../../errors/DbarchError.ts';
import type { TarEntry } from './TarEntry.ts';

/**
 * What a TarReader calls for each member; returned promises are awaited, so a slow disk slows the stream. A data
 * chunk is valid only until its call's promise settles: it may be reused after (copy what must be kept).
 */
export interface TarHandlers {
  entry(entry: TarEntry): void | Promise<void>;
  data(chunk: Buffer, entry: TarEntry): void | Promise<void>;
  entryEnd(entry: TarEntry): void | Promise<void>;
}

const block = 512;

/**
 * A streaming reader of the tar that pg_basebackup writes (ustar, base-256 sizes above 8 GiB, pax and GNU long
 * names accepted), so a backup is checked or unpacked as it streams, never first stored whole. A stream that
 * ends before its end-of-archive blocks is DBA_BACKUP_TRUNCATED; a bad header checksum is DBA_BACKUP_CHECKSUM_MISMATCH.
 */
export class TarReader extends Writable {
  private pending: Buffer = Buffer.alloc(0);
  private current: TarEntry | undefined;
  private remaining = 0;
  private padding = 0;
  private longName: string | undefined;
  private ended = false;
  private readonly name: string;

  /** `consumed`: called with each written chunk once every handler is done with it (for its reuse). */
  constructor(
    private readonly handlers: TarHandlers,
    name = 'tar stream',
    private readonly consumed?: (chunk: Buffer) => void,
  ) {
    super({ highWaterMark: 1 << 20 });
    this.name = name;
  }

  /** Whether the end-of-archive marker was read. */
  get complete(): boolean {
    return this.ended;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.consume(chunk).then(() => {
      this.consumed?.(chunk);
      callback();
    }, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.ended) {
      callback(new DbarchError('DBA_BACKUP_TRUNCATED', `${this.name} ends before its end-of-archive marker`, { details: { inEntry: this.current?.path } }));
      return;
    }
    callback();
  }

  private async consume(chunk: Buffer): Promise<void> {
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (this.ended) {
        buf = Buffer.alloc(0);
        break;
      }
      if (this.current !== undefined) {
        if (this.remaining > 0) {
          if (buf.length === 0) break;
          const take = Math.min(this.remaining, buf.length);
          this.remaining -= take;
          await this.handlers.data(buf.subarray(0, take), this.current);
          buf = buf.subarray(take);
          continue;
        }
        if (this.padding > 0) {
          if (buf.length < this.padding) break;
          buf = buf.subarray(this.padding);
          this.padding = 0;
        }
        const done = this.current;
        this.current = undefined;
        await this.handlers.entryEnd(done);
        continue;
      }
      if (buf.length < block) break;
      const header = buf.subarray(0, block);
      if (header.every((b) => b === 0)) {
        // The first of the two zero blocks that end an archive; what follows is padding.
        this.ended = true;
        continue;
      }
      const size = readSize(header, this.name);
      const type = String.fromCharCode(header[156]!);
      const padded = Math.ceil(size / block) * block;
      if (type === 'x' || type === 'L' || type === 'g') {
        // A pax or GNU long-name header: its body names the next member.
        if (buf.length < block + padded) break;
        const body = buf.subarray(block, block + size).toString('utf8');
        if (type === 'L') this.longName = body.replace(/\0+$/, '');
        if (type === 'x') {
          const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body);
          if (path) this.longName = path[1];
        }
        buf = buf.subarray(block + padded);
        continue;
      }
      checkHeader(header, this.name);
      const prefix = cString(header, 345, 155);
      const rawName = this.longName ?? (prefix ? `${prefix}/${cString(header, 0, 100)}` : cString(header, 0, 100));
      this.longName = undefined;
      const entry: TarEntry = {
        path: rawName.replace(/^\.\//, '').replace(/\/$/, ''),
        type: type === '0' || type === '\0' || type === '7' ? 'file' : type === '5' ? 'directory' : type === '2' ? 'symlink' : 'other',
        size,
        mode: parseInt(cString(header, 100, 8) || '0', 8) & 0o7777,
        mtime: parseInt(cString(header, 136, 12) || '0', 8),
        linkTarget: cString(header, 157, 100),
      };
      buf = buf.subarray(block);
      this.current = entry;
      this.remaining = entry.type === 'file' ? size : 0;
      this.padding = entry.type === 'file' ? padded - size : 0;
      await this.handlers.entry(entry);
    }
    this.pending = Buffer.from(buf);
  }
}

function cString(header: Buffer, offset: number, length: number): string {
  const field = header.subarray(offset, offset + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? length : nul).toString('utf8').trim();
}

/** Octal, or base-256 (high bit set) for members above 8 GiB as PostgreSQL writes them. */
function readSize(header: Buffer, name: string): number {
  const field = header.subarray(124, 136);
  if ((field[0]! & 0x80) !== 0) {
    let value = 0;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return value;
  }
  const size = parseInt(cString(header, 124, 12) || '0', 8);
  if (!Number.isFinite(size)) throw new DbarchError('DBA_BACKUP_CHECKSUM_MISMATCH', `${name} has an unreadable tar header`);
  return size;
}

function checkHeader(header: Buffer, name: string): void {
  const stored = parseInt(cString(header, 148, 8), 8);
  let sum = 0;
  for (let i = 0; i < block; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
  if (sum !== stored) throw new DbarchError('DBA_BACKUP_CHECKSUM_MISMATCH', `${name} has a tar header whose checksum does not match`, { details: { stored, computed: sum } });
}
