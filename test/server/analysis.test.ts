/**
 * The analysis endpoint on a real (tiny) training run: it reproduces the run's own test figures for
 * the best checkpoint (correct count and loss, on the run's limited test set), its confusion matrix
 * and grid agree with each other, it is cached in the run folder (a second request reads the file
 * and rewrites nothing), a new checkpoint invalidates it, it falls back to last.safetensors, a run
 * without usable weights is a 4xx, not a crash, and a run that never reads the test set (a sweep
 * trial) gets no test results.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunAnalysis, RunsResponse } from '../../src/server/api-types.js';
import type { TestedEpochMetrics } from '../../src/train/metrics.js';
import type { Dashboard } from '../../src/server/server.js';
import { repoRoot, startTestDashboard, tempDir } from './helpers.js';

const TEST_IMAGES = 200;

describe('run analysis', () => {
  const logdir = tempDir('analysis');
  const runDir = join(logdir, 'tiny');
  let dashboard: Dashboard;
  const ids = new Map<string, string>();

  before(async () => {
    const r = spawnSync(process.execPath, [
      join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'train', '--epochs', '1', '--limit-train', '500', '--limit-test', String(TEST_IMAGES),
      '--threads', '1', '--out', runDir,
    ], { encoding: 'utf8', cwd: repoRoot, timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    // Variants of the same run: only last.safetensors; no weights at all; damaged weights.
    cpSync(runDir, join(logdir, 'last-only'), { recursive: true });
    rmSync(join(logdir, 'last-only', 'best.safetensors'));
    rmSync(join(logdir, 'last-only', 'best.json'));
    cpSync(runDir, join(logdir, 'no-weights'), { recursive: true });
    for (const f of ['best.safetensors', 'last.safetensors']) rmSync(join(logdir, 'no-weights', f));
    cpSync(runDir, join(logdir, 'damaged'), { recursive: true });
    writeFileSync(join(logdir, 'damaged', 'best.safetensors'), 'not a safetensors file');
    cpSync(runDir, join(logdir, 'no-test-set'), { recursive: true });
    const spec = JSON.parse(readFileSync(join(runDir, 'spec.json'), 'utf8')) as { data: object };
    spec.data = { ...spec.data, valSplit: 1000, test: false };
    writeFileSync(join(logdir, 'no-test-set', 'spec.json'), JSON.stringify(spec));
    dashboard = await startTestDashboard({ logdirs: [logdir] });
    for (const row of (await dashboard.app.inject({ url: '/api/runs' })).json<RunsResponse>().runs) ids.set(row.name, row.id);
  });

  after(async () => {
    await dashboard.close();
  });

  const analysisOf = async (name: string): Promise<{ status: number; cache: unknown; body: RunAnalysis & { error?: string } }> => {
    const r = await dashboard.app.inject({ url: `/api/runs/${ids.get(name)}/analysis` });
    return { status: r.statusCode, cache: r.headers['x-analysis-cache'], body: r.json() };
  };

  it('evaluates the best checkpoint on the run\'s test images, as the run itself did', async () => {
    const { status, cache, body: a } = await analysisOf('tiny');
    assert.equal(status, 200, JSON.stringify(a));
    assert.equal(cache, 'miss');
    const [epoch] = JSON.parse(readFileSync(join(runDir, 'history.json'), 'utf8')) as TestedEpochMetrics[];
    assert.equal(a.checkpoint, 'best.safetensors');
    assert.equal(a.testImages, TEST_IMAGES);
    assert.equal(a.correct, epoch!.testCorrect);
    assert.ok(Math.abs(a.accuracy - epoch!.testAccuracy) < 1e-9);
    assert.ok(Math.abs(a.loss - epoch!.testLoss) < 1e-4, `loss ${a.loss} vs ${epoch!.testLoss}`);
    assert.equal(a.confusion.flat().reduce((x, y) => x + y, 0), TEST_IMAGES);
    assert.equal(a.confusion.reduce((acc, row, t) => acc + row[t]!, 0), a.correct);
    assert.deepEqual(a.perClass.map((p) => p.total), a.confusion.map((row) => row.reduce((x, y) => x + y, 0)));
    assert.equal(a.misclassified.length, Math.min(64, TEST_IMAGES - a.correct));
    for (const m of a.misclassified) assert.notEqual(m.label, m.predicted);
    assert.deepEqual(a.misclassified.map((m) => m.index), [...a.misclassified.map((m) => m.index)].sort((x, y) => x - y));
  });

  it('caches the analysis in the run folder: a second request rewrites nothing', async () => {
    const json = join(runDir, 'analysis', 'analysis.json');
    const png = join(runDir, 'analysis', 'misclassified.png');
    assert.ok(existsSync(json) && existsSync(png));
    const before = [statSync(json).mtimeMs, statSync(png).mtimeMs];
    const first = await analysisOf('tiny');
    assert.equal(first.cache, 'hit');
    const image = await dashboard.app.inject({ url: `/api/runs/${ids.get('tiny')}/misclassified.png` });
    assert.equal(image.statusCode, 200);
    assert.equal(image.headers['content-type'], 'image/png');
    assert.deepEqual(image.rawPayload, readFileSync(png));
    assert.deepEqual([statSync(json).mtimeMs, statSync(png).mtimeMs], before);
    const runs = (await dashboard.app.inject({ url: '/api/runs' })).json<RunsResponse>().runs.map((r) => r.name).sort();
    assert.deepEqual(runs, ['damaged', 'last-only', 'no-test-set', 'no-weights', 'tiny'], 'the cache folder is not a run');
  });

  it('computes again for a new checkpoint, once for simultaneous requests', async () => {
    const json = join(runDir, 'analysis', 'analysis.json');
    const cachedAt = statSync(json).mtimeMs;
    const later = new Date(Date.now() + 5000);
    utimesSync(join(runDir, 'best.safetensors'), later, later);
    const answers = await Promise.all([analysisOf('tiny'), analysisOf('tiny'), analysisOf('tiny')]);
    for (const a of answers) {
      assert.equal(a.status, 200);
      assert.equal(a.cache, 'miss');
      assert.deepEqual(a.body, answers[0]!.body);
    }
    assert.notEqual(statSync(json).mtimeMs, cachedAt);
    assert.equal((await analysisOf('tiny')).cache, 'hit');
  });

  it('falls back to last.safetensors', async () => {
    const a = await analysisOf('last-only');
    assert.equal(a.status, 200);
    assert.equal(a.body.checkpoint, 'last.safetensors');
    assert.equal(a.body.testImages, TEST_IMAGES);
  });

  it('answers 4xx for a run without usable weights, and keeps serving', async () => {
    const none = await analysisOf('no-weights');
    assert.equal(none.status, 404);
    assert.match(none.body.error!, /no checkpoint/);
    const png = await dashboard.app.inject({ url: `/api/runs/${ids.get('no-weights')}/misclassified.png` });
    assert.equal(png.statusCode, 404);
    const damaged = await analysisOf('damaged');
    assert.equal(damaged.status, 422, JSON.stringify(damaged.body));
    assert.equal(typeof damaged.body.error, 'string');
    assert.equal((await analysisOf('tiny')).status, 200);
  });

  it('refuses to show test results for a run that keeps away from the test set', async () => {
    const a = await analysisOf('no-test-set');
    assert.equal(a.status, 409);
    assert.match(a.body.error!, /does not read the test set/);
  });
});
