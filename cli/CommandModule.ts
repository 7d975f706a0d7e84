/** One `dbarch <verb>`: takes the arguments after the verb, returns the exit code (0 ok, 1 failed, 2 usage). */
export interface CommandModule {
  run(argv: string[]): Promise<number>;
}

export interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<CommandModule>;
}
