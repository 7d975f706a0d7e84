/**
 * Every node of the given type anywhere below `root` in a libpg-query AST (plain JSON where each node is
 * `{ TypeName: {...} }`). Used to look inside expressions, e.g. for function calls in a DEFAULT.
 */
export function collectNodes(root: unknown, type: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === type && typeof child === 'object' && child !== null) found.push(child as Record<string, unknown>);
      visit(child);
    }
  };
  visit(root);
  return found;
}
