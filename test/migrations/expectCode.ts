import { expect } from 'chai';
import { DbarchError } from '../../errors/DbarchError.ts';

/** Awaits a promise that must reject with a DbarchError of the given code, and returns that error. */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<DbarchError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(DbarchError);
    expect((error as DbarchError).code, (error as Error).message).to.equal(code);
    return error as DbarchError;
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}

/** Calls a function that must throw a DbarchError of the given code, and returns that error. */
export function expectCodeSync(fn: () => unknown, code: string): DbarchError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(DbarchError);
    expect((error as DbarchError).code, (error as Error).message).to.equal(code);
    return error as DbarchError;
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}
