// eslint-disable-next-line @typescript-eslint/no-require-imports -- mocha require()s reporters, so this file is CommonJS
import Mocha = require('mocha');

/**
 * mocha's spec reporter, closed by the plain `N passed, N failed` line that CI reads. The line is printed
 * once the run ends; a failing run exits non-zero through mocha itself.
 */
class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const stats = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      const skipped = stats.pending > 0 ? `, ${stats.pending} skipped` : '';
      // Printed after the spec epilogue, which is also an EVENT_RUN_END listener registered earlier.
      process.nextTick(() => console.log(`${stats.passes} passed, ${stats.failures} failed${skipped}`));
    });
  }
}

export = CountingReporter;
