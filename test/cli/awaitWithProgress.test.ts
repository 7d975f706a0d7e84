import { expect } from 'chai';
import { awaitWithProgress } from '../../cli/awaitWithProgress.ts';

describe('awaitWithProgress', () => {
  it('reports progress while the outcome is pending, then gives its value', async () => {
    let settle!: (value: string) => void;
    const outcome = new Promise<string>((resolve) => (settle = resolve));
    let calls = 0;
    const value = await awaitWithProgress(outcome, 1, () => {
      calls += 1;
      if (calls === 3) settle('done');
      return Promise.resolve();
    });
    expect(value).to.equal('done');
    expect(calls).to.equal(3);
  });

  it('passes a rejection to the caller only: no unhandled rejection besides', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      let fail!: (error: Error) => void;
      const outcome = new Promise<string>((_, reject) => (fail = reject));
      const waited = awaitWithProgress(outcome, 1, () => Promise.resolve(fail(new Error('run terminated'))));
      let caught: unknown;
      await waited.catch((error: unknown) => (caught = error));
      expect((caught as Error).message).to.equal('run terminated');
      // Unhandled rejections are reported after the microtasks of the turn that made them.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});
