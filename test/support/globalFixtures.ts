/**
 * Run-wide fixtures, loaded by mocha before any test file. The Temporal server is started lazily by
 * test/support/temporal.ts the first time a suite asks for it, so suites without workflows start fast.
 */
import { installTemporalLogging } from '../../runtime/installTemporalLogging.ts';
import { stopSharedTemporal, testLog } from './temporal.ts';

export function mochaGlobalSetup(): void {
  // Before any connection exists: the SDK's logs then go through the quiet test logger.
  installTemporalLogging(testLog);
}

export async function mochaGlobalTeardown(): Promise<void> {
  await stopSharedTemporal();
}
