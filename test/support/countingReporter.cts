// eslint-disable-next-line @typescript-eslint/no-require-imports -- mocha require()s reporters, so this file is CommonJS
import Mocha = require('mocha');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
import fs = require('node:fs');

/** How much of the log a failing test gets printed: its last lines, each cut to a readable width. */
const tailLines = 60;
const lineWidth = 400;

/**
 * mocha's spec reporter, closed by the plain `N passed, N failed` line that CI reads. The run's JSON logs go to a
 * file (DBARCH_TEST_LOG_FILE, set by test/support/testLogFile.ts before mocha builds the reporter); for each
 * failing test or hook the reporter keeps the lines logged since the previous test ended and prints their tail
 * after the failure list. The count line is printed once the run ends, last; a failing run exits non-zero
 * through mocha itself.
 */
class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const logFile = process.env.DBARCH_TEST_LOG_FILE;
    const failedLogs: { title: string; lines: string[] }[] = [];
    let offset = logFile ? fileSize(logFile) : 0;
    const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;
    const skipLog = () => {
      if (logFile) offset = fileSize(logFile);
    };
    runner.on(EVENT_TEST_PASS, skipLog);
    runner.on(EVENT_TEST_PENDING, skipLog);
    runner.on(EVENT_TEST_FAIL, (test: Mocha.Runnable) => {
      if (!logFile) return;
      const lines = readFrom(logFile, offset).split('\n').filter(Boolean);
      offset = fileSize(logFile);
      failedLogs.push({ title: test.fullTitle(), lines: lines.slice(-tailLines).map(readable) });
    });
    runner.once(EVENT_RUN_END, () => {
      const stats = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      const skipped = stats.pending > 0 ? `, ${stats.pending} skipped` : '';
      // Printed after the spec epilogue (the failure list), which is also an EVENT_RUN_END listener registered earlier.
      process.nextTick(() => {
        failedLogs.forEach(({ title, lines }, index) => {
          console.log(`\n  ${index + 1}) ${title}: ${lines.length ? `the last ${lines.length} log lines before it failed` : 'nothing was logged while it ran'}`);
          for (const line of lines) console.log(`     ${line}`);
        });
        if (logFile) console.log(`\ntest logs: ${logFile}`);
        console.log(`${stats.passes} passed, ${stats.failures} failed${skipped}`);
      });
    });
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function readFrom(file: string, offset: number): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      // Only the end matters, however much a test logged.
      const size = fs.fstatSync(fd).size;
      const start = Math.max(offset, size - 256 * 1024);
      const buffer = Buffer.alloc(Math.max(0, size - start));
      fs.readSync(fd, buffer, 0, buffer.length, start);
      return buffer.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

/** A pino JSON line as `time LEVEL name: msg {other fields}`; anything else (a server's own output) as it is. */
function readable(line: string): string {
  let text = line;
  try {
    const { time, level, name, msg, pid: _pid, ...rest } = JSON.parse(line) as Record<string, unknown>;
    if (typeof msg === 'string') {
      const levelName = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }[Number(level)] ?? String(level);
      const clock = typeof time === 'string' ? time.slice(11, 23) : '';
      text = `${clock} ${levelName} ${typeof name === 'string' ? name : ''}: ${msg}${Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : ''}`;
    }
  } catch {
    // Not JSON: printed as it is.
  }
  return text.length > lineWidth ? `${text.slice(0, lineWidth)}…` : text;
}

export = CountingReporter;
