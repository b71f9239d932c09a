import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { busiestWindow } from './busiest-window';

const childScript = fileURLToPath(new URL('./budget-child.ts', import.meta.url));

interface ChildResult {
  pid: number;
  granted: number[];
  observed: number[];
}

let database: TestDatabase;
const children: ChildProcess[] = [];
before(async () => {
  database = await createTestDatabase();
});
after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill();
  await database.drop();
});

/** Starts a child worker; resolves once it is connected and waiting for "go". */
async function startChild(args: string[]): Promise<{ child: ChildProcess; result: Promise<ChildResult> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  let out = '';
  child.stdout.setEncoding('utf8');
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.startsWith('ready\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before it was ready`)));
  });
  await ready;
  const result = once(child, 'exit').then(([code]) => {
    assert.equal(code, 0, `child ${child.pid} exited with ${String(code)}`);
    const line = out.split('\n').find((l) => l.startsWith('{'));
    assert.ok(line, `child ${child.pid} printed no result`);
    return JSON.parse(line) as ChildResult;
  });
  return { child, result };
}

describe('the PostgreSQL budget across worker processes', () => {
  it('holds for two OS processes at once and lets them use nearly all of the allowed rate', async (t) => {
    const limits = { requests: 20, windowMs: 2000 };
    const perChild = 40;
    const key = `https://processes-${process.pid}.example|tenant`;
    const args = [database.url, key, String(perChild), String(limits.requests), String(limits.windowMs)];
    const started = await Promise.all([startChild(args), startChild(args)]);
    for (const { child } of started) child.stdin!.end('go\n');
    const results = await Promise.all(started.map((s) => s.result));

    const granted = results.flatMap((r) => r.granted).sort((a, b) => a - b);
    const observed = results.flatMap((r) => r.observed);
    assert.equal(granted.length, 2 * perChild);
    assert.equal(new Set(results.map((r) => r.pid)).size, 2);
    for (const r of results) assert.equal(r.granted.length, perChild);

    // The starts as the shared database clock recorded them: never more than N in any window.
    assert.equal(busiestWindow(granted, limits.windowMs), limits.requests);
    // As each process saw them when acquire returned: the same, give or take the way back from the database.
    assert.ok(busiestWindow(observed, limits.windowMs - 200) <= limits.requests);

    // 80 starts at 20 per 2 s: 20 at once, then 20 more each time the first of a window turns 2 s old,
    // so the last can start no sooner than 3 windows after the first. Nearly that is nearly all the rate.
    const span = granted.at(-1)! - granted[0]!;
    const ideal = Math.floor((granted.length - 1) / limits.requests) * limits.windowMs;
    assert.ok(span >= ideal, `span ${span} ms`);
    assert.ok(ideal / span >= 0.9, `used ${Math.round((100 * ideal) / span)}% of the allowed rate`);
    t.diagnostic(`80 starts spanned ${span} ms; the fastest the limit allows is ${ideal} ms`);
  });
});
