import { expect } from 'chai';
import { ApplicationFailure } from '@temporalio/common';
import { workflowFailure, workflowFailureFrom } from '../../workflows/workflowFailure.ts';

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

  it('raised again keeps the code of the failure caught, else takes the fallback', () => {
    const caught = ApplicationFailure.create({ type: 'DBA_STEP_SQL', message: 'syntax error' });
    const again = workflowFailureFrom(caught, 'DBA_STEP_FAILED', 'step one failed', { details: [{ step: 'one' }] });
    expect([again.type, again.message, again.nonRetryable, again.details]).to.deep.equal(['DBA_STEP_SQL', 'step one failed', true, [{ step: 'one' }]]);
    expect(workflowFailureFrom(new Error('not a failure'), 'DBA_STEP_FAILED', 'x').type).to.equal('DBA_STEP_FAILED');
  });
});
