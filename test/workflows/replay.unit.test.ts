// Every committed workflow history (test/workflows/histories/<set>/, written by scripts/record-histories.ts)
// replayed against the current workflow code, bundled as the worker bundles it. A change that running syncs could not
// replay (an activity added, removed or reordered, a timer moved) fails here; README, "Changing workflow
// code", says what to do instead.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import {
  decodedPayloads,
  loadRecordedHistories,
  recordedSets,
  recordingClientSecret,
  recordings,
  setNamePattern,
  type RecordedHistory,
} from '../support/recorded-histories';
import { workflowBundle } from '../support/temporal';

const histories = loadRecordedHistories();

describe('committed workflow histories', { timeout: 120_000 }, () => {
  it('cover every recording in every set: full, incremental, scheduled, continued as new, cancelled', () => {
    const sets = recordedSets();
    assert.ok(sets.length > 0, 'no recorded histories; run scripts/record-histories.ts');
    for (const set of sets) {
      assert.match(set, setNamePattern);
      const ofSet = histories.filter((h) => h.set === set);
      for (const name of Object.keys(recordings)) {
        assert.ok(
          ofSet.some((h) => h.name === name || h.name.startsWith(`${name}-`)),
          `${set} has no history of ${name}`,
        );
      }
      const chain = ofSet.filter((h) => h.name.startsWith('full-sync-continued-as-new-'));
      assert.ok(chain.length >= 2, `${set}: the continue-as-new recording should hold several runs`);
      assert.ok(lastEventOf(chain[0]!).workflowExecutionContinuedAsNewEventAttributes);
      const cancelled = ofSet.find((h) => h.name === 'full-sync-cancelled')!;
      assert.ok(lastEventOf(cancelled).workflowExecutionCanceledEventAttributes);
    }
  });

  it('hold no client secret and no access token', () => {
    for (const recorded of histories) {
      const name = `${recorded.set}/${recorded.name}`;
      const text = decodedPayloads(recorded.text);
      // Payloads are searched decoded (in the files they are base64), so a secret in one would be found.
      assert.ok(text.includes('pageSize'), `${name}: the workflow's input was not decoded`);
      assert.ok(!text.includes(recordingClientSecret), `${name} holds the client secret`);
      assert.ok(!/access_token|Bearer /i.test(text), `${name} holds something like an access token`);
    }
  });

  it('replay against the current workflow code without nondeterminism', async () => {
    const replay = Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(), replayName: 'committed-histories' },
      histories.map(({ workflowId, history }) => ({ workflowId, history })),
    );
    const failed: string[] = [];
    let replayed = 0;
    for await (const result of replay) {
      replayed += 1;
      if (result.error) failed.push(`${result.workflowId}: ${result.error.message}`);
    }
    assert.equal(replayed, histories.length);
    assert.deepEqual(failed, [], `histories that no longer replay:\n${failed.join('\n')}`);
  });
});

function lastEventOf(recorded: RecordedHistory) {
  const last = recorded.history.events?.at(-1);
  assert.ok(last, `${recorded.set}/${recorded.name} has no events`);
  return last;
}
