import { expect } from 'chai';
import { ApplicationFailure } from '@temporalio/common';
import { workflowFailure } from '../../workflows/workflowFailure.ts';

describe('workflowFailure', () => {
  it('is a non-retryable ApplicationFailure whose type is the registered code', () => {
    const failure = workflowFailure('DBA_PLAN_INVALID', 'not a plan', { details: [{ apiVersion: 'x' }] });
    expect(failure).to.be.instanceOf(ApplicationFailure);
    expect(failure.type).to.equal('DBA_PLAN_INVALID');
    expect(failure.message).to.equal('not a plan');
    expect(failure.nonRetryable).to.equal(true);
    expect(failure.details).to.deep.equal([{ apiVersion: 'x' }]);
    expect(workflowFailure('DBA_STEP_INTERRUPTED', 'again', { nonRetryable: false }).nonRetryable).to.equal(false);
  });

  it('names only registered codes (checked by `npm run typecheck`)', () => {
    // @ts-expect-error -- not a code of the errors/ registry: the type checker refuses it
    const unregistered = workflowFailure('DBA_NO_SUCH_CODE', 'typo');
    expect(unregistered.type).to.equal('DBA_NO_SUCH_CODE');
  });
});
