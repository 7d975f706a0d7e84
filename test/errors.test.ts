import { expect } from 'chai';
import { DbarchError } from '../errors/DbarchError.ts';
import { errorCodes } from '../errors/registry.ts';

describe('error registry', () => {
  it('gives every code a summary and a hint', () => {
    for (const [code, info] of Object.entries(errorCodes)) {
      expect(code, code).to.match(/^DBA_[A-Z0-9_]+$/);
      expect(info.summary, code).to.not.equal('');
      expect(info.hint, code).to.not.equal('');
    }
  });

  it('takes the hint from the registry unless one is given', () => {
    expect(new DbarchError('DBA_USAGE', 'x').hint).to.equal(errorCodes.DBA_USAGE.hint);
    expect(new DbarchError('DBA_USAGE', 'x', { hint: 'specific' }).hint).to.equal('specific');
  });
});
