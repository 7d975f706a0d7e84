/**
 * Run-wide fixtures, loaded by mocha before any test file. The Temporal server is started lazily by
 * test/support/temporal.ts the first time a suite asks for it, so suites without workflows start fast.
 */
export async function mochaGlobalTeardown(): Promise<void> {
  const { stopSharedTemporal } = await import('./temporal.ts');
  await stopSharedTemporal();
}
