const limit = 1000;

/**
 * Names for prepared statements, one per distinct SQL text: pg parses a named statement once per connection and
 * then only binds it. Past `limit` texts (ad-hoc SQL built by concatenation) new texts run unnamed.
 */
export class StatementNames {
  readonly #names = new Map<string, string>();

  nameFor(sql: string): string | undefined {
    const known = this.#names.get(sql);
    if (known !== undefined || this.#names.size >= limit) return known;
    const name = `dbarch_${this.#names.size}`;
    this.#names.set(sql, name);
    return name;
  }
}
