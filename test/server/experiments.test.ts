/**
 * The experiments endpoint over the recorded results (reports/results): one row per experiment with
 * the report's own statistics, seeds linked to run folders that a logdir holds, the frontier chart,
 * and a damaged result file skipped rather than failing the page.
 */
import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentsResponse, RunsResponse } from '../../src/server/api-types.js';
import type { Dashboard } from '../../src/server/server.js';
import { experimentStats } from '../../src/report/experiment-stats.js';
import { loadGoals } from '../../src/experiments/goals.js';
import { readResult } from '../../src/experiments/runner.js';
import { fixtureHistory, fixtureSpec, repoRoot, startTestDashboard, tempDir, writeRun } from './helpers.js';

const recorded = join(repoRoot, 'reports', 'results');

describe('experiments API', () => {
  const logdir = tempDir('exp-runs');
  const resultsDir = tempDir('exp-results');
  let dashboard: Dashboard & { logs: string[] };

  before(async () => {
    for (const f of readdirSync(recorded)) copyFileSync(join(recorded, f), join(resultsDir, f));
    writeFileSync(join(resultsDir, '03-mnist8k-m3.json'), '{"name": "03-mnist8k-m3", "seeds": [');
    writeRun(join(logdir, 'experiments', '05-gapnet-8k', 'seed-2'), { spec: fixtureSpec({ seed: 2, model: 'gapnet-8k' }), history: fixtureHistory(15) });
    dashboard = await startTestDashboard({ logdirs: [logdir], resultsDir });
  });

  after(async () => {
    await dashboard.close();
  });

  it('summarises each recorded experiment as the report does, and links seeds to run folders', async () => {
    const r = await dashboard.app.inject({ url: '/api/experiments' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['cache-control'], 'no-store');
    const body = r.json<ExperimentsResponse>();
    const goals = await loadGoals();
    assert.equal(body.resultsDir, resultsDir);
    assert.equal(body.lastEpochs, goals.lastEpochs);
    assert.equal(body.targetAccuracy, goals.targetAccuracy);
    const names = body.rows.map((row) => row.name);
    const expected = readdirSync(recorded).map((f) => f.replace(/\.json$/, '')).filter((n) => n !== '03-mnist8k-m3').sort();
    assert.deepEqual(names, expected, 'every readable result, in story order; the damaged one skipped');
    assert.ok(dashboard.logs.some((l) => /skipping experiment 03-mnist8k-m3/.test(l)));

    const row = body.rows.find((x) => x.name === '05-gapnet-8k')!;
    const stats = experimentStats(readResult(recorded, '05-gapnet-8k')!, goals);
    assert.equal(row.model, 'gapnet-8k');
    assert.equal(row.parameters, stats.parameters);
    assert.equal(row.bestTestAccuracy, stats.bestTestAccuracy);
    assert.equal(row.lastMin, stats.lastMin);
    assert.equal(row.lastMean, stats.lastMeanAccuracy.mean);
    assert.equal(row.lastStd, stats.lastMeanAccuracy.std);
    const runs = (await dashboard.app.inject({ url: '/api/runs' })).json<RunsResponse>().runs;
    assert.deepEqual(row.seeds, [1, 2, 3, 4, 5].map((seed) => ({ seed, runId: seed === 2 ? runs[0]!.id : null })));
    assert.equal((body.frontier as { $schema?: string }).$schema, 'https://vega.github.io/schema/vega-lite/v5.json');
  });

  it('answers an empty page when there are no results', async () => {
    const d = await startTestDashboard({ logdirs: [logdir], resultsDir: join(tempDir('none'), 'missing') });
    try {
      const body = (await d.app.inject({ url: '/api/experiments' })).json<ExperimentsResponse>();
      assert.deepEqual(body.rows, []);
    } finally {
      await d.close();
    }
  });
});
