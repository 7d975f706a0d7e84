/** Where a WAL file lives in the archive destination: flat under `wal/`, so one listing gives the whole chain. */
export function walObjectKey(name: string): string {
  return `wal/${name}`;
}

/** The prefix listing every archived WAL file. */
export const walPrefix = 'wal/';
