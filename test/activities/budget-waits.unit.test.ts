// How a page activity splits its pages at the first one that found no request slot (activities/budget-waits.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fetchPrefix } from '../../activities/budget-waits';
import { BudgetWait } from '../../halo/budget';
import { HaloServerError } from '../../halo/errors';

const serverError = () => new HaloServerError({ message: 'Halo answered 503', status: 503 });

describe('fetchPrefix', () => {
  it('keeps every page when each found a slot', async () => {
    const fetched = await fetchPrefix([1, 2, 3], async (n) => n * 10);
    assert.deepEqual(fetched, { done: [10, 20, 30], wait: null });
  });

  it('keeps the pages before the first that found no slot, in order, and reports its wait', async () => {
    const fetched = await fetchPrefix([4, 5, 6], async (n) => {
      if (n >= 5) throw new BudgetWait(n === 5 ? 7_000 : 9_000, 'full');
      return n;
    });
    assert.deepEqual(fetched.done, [4]);
    assert.equal(fetched.wait?.waitMs, 7_000);
  });

  it('fails the whole activity on a fault before any wait, so Temporal retries it', async () => {
    await assert.rejects(
      fetchPrefix([1, 2, 3], async (n) => {
        if (n === 2) throw serverError();
        if (n === 3) throw new BudgetWait(1_000, 'full');
        return n;
      }),
      HaloServerError,
    );
  });

  it('reports the wait, not a later fault, when the wait comes first', async () => {
    const fetched = await fetchPrefix([1, 2], async (n) => {
      if (n === 1) throw new BudgetWait(2_000, 'paused');
      throw serverError();
    });
    assert.deepEqual(fetched.done, []);
    assert.equal(fetched.wait?.waitMs, 2_000);
  });
});
