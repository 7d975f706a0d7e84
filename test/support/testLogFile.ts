import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './childProcess.ts';

const logDir = join(repoRoot, 'tmp', 'test-logs');
/** Runs whose logs are kept; older files are removed when a run starts. */
const keptRuns = 20;

/**
 * The file this test run's JSON logs (the test logger, the SDK's and the native core's, servers a test starts)
 * are written to: DBARCH_TEST_LOG_FILE, else tmp/test-logs/<start time>-<pid>.log. The path is put in the
 * environment because the reporter (test/support/countingReporter.cts), which prints a failing test's part of
 * the log, is loaded by mocha separately from the test files.
 */
export function testLogFile(): string {
  const existing = process.env.DBARCH_TEST_LOG_FILE;
  if (existing) return existing;
  mkdirSync(logDir, { recursive: true });
  const file = join(logDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`);
  // Names start with the start time, so the oldest sort first.
  for (const old of readdirSync(logDir).filter((name) => name.endsWith('.log')).sort().slice(0, -(keptRuns - 1))) rmSync(join(logDir, old), { force: true });
  process.env.DBARCH_TEST_LOG_FILE = file;
  return file;
}
