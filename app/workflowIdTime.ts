/** `2026-12-02T04:01:09Z`: the moment in a one-run-per-moment workflow id, to the second (readable, and sortable). */
export function workflowIdTime(at: Date): string {
  return at.toISOString().replace(/\.\d+Z$/, 'Z');
}
