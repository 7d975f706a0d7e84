// Filled in by the foundation work: a shared Temporal server for the run.
export async function stopSharedTemporal(): Promise<void> {}
