import type { SectionCheckContext, SectionPath } from '../SectionDefinition.ts';

/** Reports every repeat of a value that must be unique, pointing at the repeat and naming the first. */
export function reportDuplicates(ctx: SectionCheckContext, entries: readonly { value: string; path: SectionPath }[], what: string): void {
  const first = new Map<string, number>();
  entries.forEach(({ value, path }, index) => {
    const earlier = first.get(value);
    if (earlier === undefined) {
      first.set(value, index);
      return;
    }
    ctx.error(path, 'DBA_SPEC_DUPLICATE_NAME', `${what} \`${value}\` is defined twice (first as entry ${earlier + 1})`, `give each ${what} a unique name`);
  });
}
