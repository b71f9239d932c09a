// The supervisor `npm start` keeps its children with, on real (tiny) Node processes: a child that dies after
// running a while is started again, and one that keeps dying as it starts is given up on, saying why.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startChild, waitFor } from '../../scripts/children';
import { supervise } from '../../scripts/supervise';

const node = (script: string) => () =>
  startChild('child', process.execPath, ['-e', script], { output: () => {} });

describe('the npm start supervisor', { timeout: 60_000 }, () => {
  it('starts a child again after it is killed, and stops it for good when asked', async () => {
    const lines: string[] = [];
    const child = supervise({
      name: 'worker',
      start: node('setInterval(() => {}, 1000)'),
      startupMs: 300,
      backoffMs: () => 100,
      log: (line) => lines.push(line),
      onGiveUp: (reason) => assert.fail(`gave up: ${reason}`),
    });
    const first = child.current();
    await new Promise((resolve) => setTimeout(resolve, 500));
    first.process.kill('SIGKILL');
    await waitFor('a new instance', async () => child.current() !== first, 10_000);
    assert.ok(
      lines.some((l) =>
        /^worker was killed by SIGKILL after \d+\.\d s; starting it again in 0\.1 s$/.test(l),
      ),
    );
    const second = child.current();
    await child.stop(2000);
    assert.notEqual(second.process.signalCode ?? second.process.exitCode, null, 'still running after stop');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(child.current(), second, 'started again after stop');
  });

  it('gives up on a child that keeps failing as soon as it starts, saying why', async () => {
    const lines: string[] = [];
    const pauses: number[] = [];
    let reason = '';
    supervise({
      name: 'api',
      start: node('process.exit(3)'),
      startupMs: 10_000,
      maxStartFailures: 3,
      backoffMs: (restart) => {
        pauses.push(restart);
        return 50;
      },
      log: (line) => lines.push(line),
      onGiveUp: (why) => (reason = why),
    });
    await waitFor('the supervisor to give up', async () => reason !== '', 20_000);
    assert.match(
      reason,
      /^api exited with code 3 after \d+\.\d s: 3 failures in a row, each within 10 s of starting$/,
    );
    assert.deepEqual(pauses, [1, 2], 'the pause grows with each failure in a row');
    assert.equal(lines.filter((l) => l.startsWith('api running as pid')).length, 3);
  });
});
