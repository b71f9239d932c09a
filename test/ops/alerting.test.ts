// The alert rules and the Grafana dashboard in ops/ are read by tools nobody runs in CI: promtool checks the
// rules and runs their unit tests, and every metric either file names must exist, in this code (halo_*) or
// in the Temporal SDK's core (temporal_*), so a renamed metric cannot leave an alert silently dead.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { projectRoot } from '../../config/env';

const rulesPath = join(projectRoot, 'ops', 'prometheus', 'alerts.yml');
const dashboardPath = join(projectRoot, 'ops', 'grafana', 'dashboard.json');
const promtool = '/usr/bin/promtool';
const coreBridge = join(
  projectRoot,
  'node_modules/@temporalio/core-bridge/releases/x86_64-unknown-linux-gnu/index.node',
);

interface Rule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const rules = (): Rule[] =>
  (parse(readFileSync(rulesPath, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
interface Dashboard {
  panels: { id: number; targets: { expr: string }[] }[];
}
const dashboard = (): Dashboard => JSON.parse(readFileSync(dashboardPath, 'utf8')) as Dashboard;
const dashboardExprs = (): string[] => dashboard().panels.flatMap((p) => p.targets.map((t) => t.expr));

/** Metric names in PromQL: ours and the SDK's, without the histogram series suffixes. */
function metricsIn(expr: string): string[] {
  const names = expr.match(/\b(halo|temporal)_[a-z0-9_]+\b/g) ?? [];
  return names.map((n) => n.replace(/_(bucket|sum|count)$/, ''));
}

function sourceText(): string {
  const files = ['api', 'worker'].flatMap((dir) =>
    readdirSync(join(projectRoot, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(projectRoot, dir, f)),
  );
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

describe('the operators’ alert rules and dashboard', () => {
  it('alert on failing syncs, stale integrations, a worker down and a task queue backlog', () => {
    const byName = new Map(rules().map((r) => [r.alert, r]));
    for (const name of [
      'HaloSyncsFailing',
      'HaloIntegrationStale',
      'HaloWorkerDown',
      'HaloTaskQueueBacklog',
    ]) {
      const rule = byName.get(name);
      assert.ok(rule, `${name} is missing`);
      assert.ok(rule.labels?.['severity'], `${name} has a severity`);
      assert.ok(rule.annotations?.['summary'], `${name} says what happened`);
    }
  });

  it('show throughput, failures, Halo requests and 429s, budget waits and worker slots', () => {
    const exprs = dashboardExprs().join('\n');
    for (const metric of [
      'halo_syncs_finished_total',
      'halo_requests_total',
      'halo_rate_limited_total',
      'halo_budget_waits_total',
      'temporal_worker_task_slots_available',
    ]) {
      assert.ok(exprs.includes(metric), `the dashboard shows ${metric}`);
    }
    const ids = dashboard().panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
  });

  it('name only metrics that exist', () => {
    const ours = sourceText();
    const sdk = readFileSync(coreBridge).toString('latin1');
    const named = new Set([...rules().map((r) => r.expr), ...dashboardExprs()].flatMap(metricsIn));
    assert.ok(named.size >= 10, `${named.size} metrics named`);
    for (const name of named) {
      if (name.startsWith('halo_'))
        assert.ok(ours.includes(`'${name}'`), `${name} is not defined in api/ or worker/`);
      else assert.ok(sdk.includes(name.replace(/^temporal_/, '')), `${name} is not a Temporal SDK metric`);
    }
  });

  it(
    'pass promtool: the rules parse and their unit tests hold',
    {
      skip:
        !existsSync(promtool) && 'promtool is not installed (scripts/setup.sh installs Debian prometheus)',
    },
    () => {
      execFileSync(promtool, ['check', 'rules', rulesPath], { stdio: 'pipe' });
      execFileSync(promtool, ['test', 'rules', join(projectRoot, 'ops', 'prometheus', 'alerts.test.yml')], {
        stdio: 'pipe',
      });
    },
  );
});
