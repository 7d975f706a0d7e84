/** One long-lived connection of a platform source, opened on first use and again after it is lost. */
export interface ReusedConnection<T> {
  /** The open connection; opens one when there is none (never opened, lost, or its opening failed). */
  get(): Promise<T>;
  /** Forgets the current connection (it broke): the next `get()` opens another. */
  lost(): void;
  /** Ends the current connection, if any (errors ignored); the next `get()` opens again. */
  close(): Promise<void>;
}

/** `open` gets the `lost` callback to hang on the connection's error or close event; `end` closes one. */
export function reusedConnection<T>(open: (lost: () => void) => Promise<T>, end: (connection: T) => Promise<void>): ReusedConnection<T> {
  let current: Promise<T> | undefined;
  const lost = () => {
    current = undefined;
  };
  return {
    get() {
      current ??= open(lost);
      current.catch(lost);
      return current;
    },
    lost,
    async close() {
      const opening = current;
      current = undefined;
      const connection = await opening?.catch(() => undefined);
      if (connection !== undefined) await end(connection).catch(() => undefined);
    },
  };
}
