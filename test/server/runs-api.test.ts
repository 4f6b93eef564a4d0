/**
 * The runs table and a run's detail, from run folders written by hand: statuses (with and without
 * status.json, a running status whose process is dead), the experiment of experiments/<e>/seed-<n>
 * folders, a half-written history.json (a row with `problem`, no crash), the recursive search and
 * its depth bound, downloads, and the headers every response carries.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunDetail, RunRow, RunsResponse } from '../../src/server/api-types.js';
import type { Dashboard } from '../../src/server/server.js';
import { DEAD_PID, fixtureHistory, fixtureSpec, fixtureStatus, startTestDashboard, tempDir, writeRun } from './helpers.js';

describe('runs API', () => {
  const logdir = tempDir('runs-api');
  const webRoot = tempDir('web');
  let dashboard: Dashboard;
  let rows: Map<string, RunRow>;

  before(async () => {
    writeRun(join(logdir, 'finished'), {
      spec: fixtureSpec({ epochs: 3, seed: 4 }), history: fixtureHistory(3), status: fixtureStatus('finished', { epochsDone: 3 }),
      config: { parameters: 7810 }, summary: 'Total params: 7,810\n', files: { 'history.csv': 'epoch\n1\n2\n3\n' },
    });
    writeRun(join(logdir, 'live'), { spec: fixtureSpec(), history: fixtureHistory(1), status: fixtureStatus('running', { epochsDone: 1 }) });
    writeRun(join(logdir, 'crashed'), {
      spec: fixtureSpec(), history: fixtureHistory(2), status: fixtureStatus('running', { pid: DEAD_PID, epochsDone: 2 }),
      config: { parameters: 7810 }, files: { 'last.json': '{}' },
    });
    writeRun(join(logdir, 'old-finished'), { spec: fixtureSpec({ epochs: 2 }), history: fixtureHistory(2) });
    writeRun(join(logdir, 'old-partial'), { spec: fixtureSpec({ epochs: 3 }), history: fixtureHistory(1) });
    writeRun(join(logdir, 'half-written'), {
      spec: fixtureSpec(), history: '[\n {\n  "epoch": 1,\n  "lr": 0.0', status: fixtureStatus('finished', { epochsDone: 3 }),
    });
    writeRun(join(logdir, 'bad-spec'), { spec: '{"format": "mnist-lab-run-spec-v1", "seed": -1', history: fixtureHistory(1) });
    writeRun(join(logdir, 'experiments', '12-sepnet-8k', 'seed-3'), { spec: fixtureSpec({ seed: 3 }), history: fixtureHistory(3) });
    writeRun(join(logdir, 'group', 'a', 'b', 'c', 'd', 'e'), { spec: fixtureSpec(), history: fixtureHistory(1) });
    writeRun(join(logdir, 'group', 'a', 'b', 'c', 'd', 'e2', 'too-deep'), { spec: fixtureSpec(), history: fixtureHistory(1) });
    const trialSpec = fixtureSpec();
    writeRun(join(logdir, 'sweep-trial'), {
      spec: { ...trialSpec, data: { ...trialSpec.data, valSplit: 5000, test: false } },
      history: fixtureHistory(2).map((m) => ({ ...m, testLoss: null, testAccuracy: null, testCorrect: null, testTotal: null, valLoss: 0.05, valAccuracy: 99.1 })),
    });
    mkdirSync(join(logdir, 'not-a-run'));
    writeFileSync(join(logdir, 'not-a-run', 'notes.txt'), 'hello\n');
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>dashboard</title>\n');

    dashboard = await startTestDashboard({ logdirs: [logdir], webRoot });
    const r = await dashboard.app.inject({ url: '/api/runs' });
    assert.equal(r.statusCode, 200);
    const body = r.json<RunsResponse>();
    assert.deepEqual(body.logdirs, [logdir]);
    rows = new Map(body.runs.map((row) => [row.name, row]));
  });

  after(async () => {
    await dashboard.close();
  });

  it('lists every run folder, recursively to a bounded depth, and nothing else', () => {
    assert.deepEqual([...rows.keys()].sort(), [
      'bad-spec', 'crashed', 'experiments/12-sepnet-8k/seed-3', 'finished', 'group/a/b/c/d/e', 'half-written', 'live', 'old-finished', 'old-partial', 'sweep-trial',
    ]);
    for (const row of rows.values()) {
      assert.match(row.id, /^[A-Za-z0-9_-]+$/, 'ids are URL-safe');
      assert.equal(row.logdir, logdir);
    }
  });

  it('fills a finished run\'s row from its files', () => {
    const row = rows.get('finished')!;
    assert.equal(row.status, 'finished');
    assert.equal(row.model, 'sepnet-8k');
    assert.equal(row.parameters, 7810);
    assert.equal(row.seed, 4);
    assert.deepEqual(row.recipe, {
      epochs: 3, batchSize: 64, optimizer: 'sgd', lr: 0.01, scheduler: 'onecycle', maxLr: 0.1, rotation: 7, ema: 0.999, labelSmoothing: 0,
    });
    assert.equal(row.epochsDone, 3);
    assert.equal(row.epochs, 3);
    assert.equal(row.bestTestAccuracy, 98.3);
    assert.equal(row.lastMin, 98.1);
    assert.ok(Math.abs(row.lastMean! - 98.2) < 1e-9);
    assert.equal(row.valAccuracy, null);
    assert.equal(row.wallSeconds, 6);
    assert.equal(row.experiment, null);
    assert.equal(row.resumeCommand, null);
    assert.equal(row.problem, null);
    assert.ok(!Number.isNaN(Date.parse(row.updatedAt)));
  });

  it('reads the status: running, interrupted (a running status whose process is dead), and without status.json', () => {
    assert.equal(rows.get('live')!.status, 'running');
    const crashed = rows.get('crashed')!;
    assert.equal(crashed.status, 'interrupted');
    assert.equal(crashed.resumeCommand, `mnist-lab train --resume ${join(logdir, 'crashed')}`);
    assert.equal(crashed.problem, null);
    assert.equal(rows.get('old-finished')!.status, 'finished', 'history as long as the spec says: finished');
    assert.equal(rows.get('old-partial')!.status, 'unknown');
    assert.equal(rows.get('old-partial')!.resumeCommand, null);
  });

  it('shows no test figures for a run that does not read the test set', () => {
    const row = rows.get('sweep-trial')!;
    assert.equal(row.problem, null);
    assert.equal(row.epochsDone, 2);
    assert.equal(row.bestTestAccuracy, null);
    assert.equal(row.lastMin, null);
    assert.equal(row.lastMean, null);
    assert.equal(row.valAccuracy, 99.1);
  });

  it('names the experiment of experiments/<experiment>/seed-<n> folders', () => {
    const row = rows.get('experiments/12-sepnet-8k/seed-3')!;
    assert.equal(row.experiment, '12-sepnet-8k');
    assert.equal(row.seed, 3);
  });

  it('gives a half-written history.json a problem and fills the rest of the row', () => {
    const row = rows.get('half-written')!;
    assert.match(row.problem ?? '', /^history\.json: not valid JSON/);
    assert.equal(row.status, 'finished');
    assert.equal(row.model, 'sepnet-8k');
    assert.equal(row.epochsDone, 3, 'from status.json');
    assert.equal(row.bestTestAccuracy, null);
    const bad = rows.get('bad-spec')!;
    assert.match(bad.problem ?? '', /^spec\.json: not valid JSON/);
    assert.equal(bad.epochsDone, 1);
    assert.equal(bad.recipe, null);
  });

  it('answers a run\'s detail: spec, history, summary, the reproduce command and the downloads', async () => {
    const row = rows.get('finished')!;
    const r = await dashboard.app.inject({ url: `/api/runs/${row.id}` });
    assert.equal(r.statusCode, 200);
    const d = r.json<RunDetail>();
    assert.deepEqual(d.row, row);
    assert.equal(d.spec?.seed, 4);
    assert.equal(d.history.length, 3);
    assert.equal(d.summaryText, 'Total params: 7,810');
    assert.equal(d.reproduceCommand, `mnist-lab train --spec ${join(logdir, 'finished', 'spec.json')} --out ${join(logdir, 'finished')}-again`);
    assert.deepEqual(d.downloads.map((x) => x.name).sort(), ['history.csv', 'spec.json']);
    const half = await dashboard.app.inject({ url: `/api/runs/${rows.get('half-written')!.id}` });
    assert.equal(half.statusCode, 200);
    assert.deepEqual(half.json<RunDetail>().history, []);
  });

  it('serves downloads as attachments, only the files a run offers', async () => {
    const row = rows.get('finished')!;
    const r = await dashboard.app.inject({ url: `/api/runs/${row.id}/download/spec.json` });
    assert.equal(r.statusCode, 200);
    assert.equal(r.body, readFileSync(join(logdir, 'finished', 'spec.json'), 'utf8'));
    assert.match(String(r.headers['content-disposition']), /^attachment; filename="finished-spec\.json"$/);
    assert.equal((await dashboard.app.inject({ url: `/api/runs/${row.id}/download/status.json` })).statusCode, 404);
    assert.equal((await dashboard.app.inject({ url: `/api/runs/${row.id}/download/best.safetensors` })).statusCode, 404, 'not there');
    assert.equal((await dashboard.app.inject({ url: `/api/runs/${row.id}/download/__proto__` })).statusCode, 404);
  });

  it('isolates every response cross-origin, and keeps API answers out of caches', async () => {
    for (const url of ['/api/runs', '/', '/index.html', '/api/nothing-here', '/missing.js']) {
      const r = await dashboard.app.inject({ url });
      assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin', url);
      assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp', url);
      if (url.startsWith('/api/')) assert.equal(r.headers['cache-control'], 'no-store', url);
    }
    const page = await dashboard.app.inject({ url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<title>dashboard<\/title>/);
  });

  it('shows a run that appears after the server started', async () => {
    writeRun(join(logdir, 'new-run'), { spec: fixtureSpec(), history: fixtureHistory(1) });
    // The folder tree is rescanned at most once a second.
    await new Promise((r) => setTimeout(r, 1100));
    const later = (await dashboard.app.inject({ url: '/api/runs' })).json<RunsResponse>();
    assert.ok(later.runs.some((row) => row.name === 'new-run'));
  });
});

describe('runs API over several logdirs', () => {
  it('keeps the logdirs apart, and takes a logdir that is itself a run folder', async () => {
    const a = tempDir('logdir-a');
    const b = tempDir('logdir-b');
    writeRun(join(a, 'same-name'), { spec: fixtureSpec({ seed: 1 }), history: fixtureHistory(1) });
    writeRun(join(b, 'same-name'), { spec: fixtureSpec({ seed: 2 }), history: fixtureHistory(2) });
    const single = join(a, 'same-name');
    const d = await startTestDashboard({ logdirs: [a, b, single] });
    try {
      const body = (await d.app.inject({ url: '/api/runs' })).json<RunsResponse>();
      assert.deepEqual(body.runs.map((r) => [r.logdir, r.name, r.seed]), [[a, 'same-name', 1], [b, 'same-name', 2], [single, 'same-name', 1]]);
      assert.equal(new Set(body.runs.map((r) => r.id)).size, 3);
      for (const row of body.runs) {
        const detail = (await d.app.inject({ url: `/api/runs/${row.id}` })).json<RunDetail>();
        assert.equal(detail.spec?.seed, row.seed);
      }
    } finally {
      await d.close();
    }
  });
});

describe('runs API without the logdir', () => {
  it('answers an empty table for a logdir that does not exist (yet)', async () => {
    const missing = join(tempDir('missing'), 'runs');
    const d = await startTestDashboard({ logdirs: [missing] });
    try {
      const r = await d.app.inject({ url: '/api/runs' });
      assert.equal(r.statusCode, 200);
      assert.deepEqual(r.json<RunsResponse>(), { logdirs: [missing], runs: [] });
      writeRun(join(missing, 'first'), { spec: fixtureSpec(), history: fixtureHistory(1) });
      await new Promise((res) => setTimeout(res, 1100));
      const later = (await d.app.inject({ url: '/api/runs' })).json<RunsResponse>();
      assert.deepEqual(later.runs.map((row) => row.name), ['first']);
    } finally {
      await d.close();
    }
  });
});
