/** Where the collector is in one member's server log: a jsonlog file name and the byte offset of the next record. */
export interface LogPosition {
  readonly file: string;
  readonly offset: number;
}
