/** One member of a tar stream, as TarReader reports it. */
export interface TarEntry {
  /** Path inside the archive, `/`-separated, without a leading `./`. */
  readonly path: string;
  readonly type: 'file' | 'directory' | 'symlink' | 'other';
  readonly size: number;
  readonly mode: number;
  readonly mtime: number;
  readonly linkTarget: string;
}
