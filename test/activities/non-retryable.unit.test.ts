// Whether Temporal retries a failed activity is decided in one place: the Halo error's `retryable` flag (and,
// for the activities' own types, the failure they build). The workflows' retry policies name no types, so a
// failure that reached Temporal without the flag set would be retried; these show none does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { toActivityFailure, userFailureTypes, withUserFailures } from '../../activities/failures';
import { failureTypes } from '../../config/temporal-identity';
import { BudgetWait } from '../../halo/budget';
import * as haloErrors from '../../halo/errors';
import { userFacingFailureTypes } from '../../workflows/sync';

type HaloErrorClass = new (init: { message: string; resource: string; host: string }) => haloErrors.HaloError;

const haloErrorClasses = (Object.values(haloErrors) as unknown[]).filter(
  (value): value is HaloErrorClass =>
    typeof value === 'function' && value.prototype instanceof haloErrors.HaloError,
);

const asFailure = (error: unknown) => {
  assert.ok(error instanceof ApplicationFailure, `not an ApplicationFailure: ${String(error)}`);
  return error;
};

describe('which failures Temporal retries', () => {
  it('finds every Halo error class', () => {
    assert.ok(haloErrorClasses.length >= 8, `${haloErrorClasses.length} classes`);
  });

  for (const cls of haloErrorClasses) {
    const error = new cls({
      message: `${cls.name} happened`,
      resource: 'SoftwareLicence',
      host: 'halo.test',
    });
    it(`${cls.name}: retryable ${error.retryable} is the failure's nonRetryable ${!error.retryable}`, async () => {
      const direct = asFailure(toActivityFailure(error));
      assert.equal(direct.type, cls.name);
      assert.equal(direct.nonRetryable, !error.retryable);
      assert.equal(direct.message, error.message);
      // As an activity throws it: every activity the worker registers is wrapped this way.
      const { activity } = withUserFailures({
        activity: async (_input: never) => {
          throw error;
        },
      });
      const thrown = await activity(undefined as never).then(
        () => assert.fail('the activity did not throw'),
        (e: unknown) => asFailure(e),
      );
      assert.equal(thrown.nonRetryable, !error.retryable);
    });
  }

  it('never retries a wait for the budget, which the workflow sleeps out', () => {
    const failure = asFailure(toActivityFailure(new BudgetWait(1500, 'full')));
    assert.equal(failure.type, failureTypes.budgetWait);
    assert.equal(failure.nonRetryable, true);
    assert.deepEqual(failure.details, [{ waitMs: 1500 }]);
  });

  it('retries what is not Halo: a bug or a database error, as a sentence for a person', () => {
    const failure = asFailure(toActivityFailure(new TypeError('x is undefined')));
    assert.equal(failure.type, userFailureTypes.internal);
    assert.equal(failure.nonRetryable, false);
  });

  it('shows a person the message of every Halo error and of the activities’ own sentences', () => {
    const types = [
      ...haloErrorClasses.map((cls) => cls.name),
      ...Object.values(userFailureTypes),
      failureTypes.integrationNotFound,
    ];
    for (const type of types) assert.ok(userFacingFailureTypes.has(type), type);
    assert.equal(userFacingFailureTypes.size, types.length);
  });
});
