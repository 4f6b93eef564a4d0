/**
 * The experiments as a user runs them: every experiment file loads and builds its model, the
 * committed report states the parameter counts the files produce, and a tiny real run (two seeds,
 * two epochs on a small subset) goes through the runner and the report with every section and
 * valid SVG and PNG images.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperiments } from '../../src/experiments/registry.js';
import { readResult, runExperiment } from '../../src/experiments/runner.js';
import { createModel } from '../../src/models/zoo.js';
import { writeReport, experimentStats } from '../../src/report/experiment-report.js';
import { loadMnist } from '../../src/data/mnist.js';
import { repoRoot } from '../helpers/fixtures.js';
import { withWasmBackend } from '../helpers/wasm.js';
import { assertPng, assertSvg, listFiles } from '../report/image-checks.js';

describe('experiments', () => {
  it('every experiment file loads, and the committed results and report state its parameter count', async () => {
    const experiments = await loadExperiments();
    assert.ok(experiments.length >= 4);
    const committed = join(repoRoot, 'reports', 'results');
    const readme = existsSync(join(repoRoot, 'reports', 'README.md')) ? readFileSync(join(repoRoot, 'reports', 'README.md'), 'utf8') : '';
    for (const e of experiments) {
      const params = typeof e.model === 'string' ? createModel(e.model).numParameters() : e.model.build().numParameters();
      const recorded = readResult(committed, e.name);
      if (!recorded) continue; // not run yet: nothing is claimed about it
      assert.equal(recorded.parameters, params, `${e.name}: results record ${recorded.parameters} params, the file builds ${params}`);
      assert.deepEqual(recorded.recipe, JSON.parse(JSON.stringify(e.recipe)), `${e.name}: the recorded results were trained with another recipe than the file states; rerun it`);
      assert.ok(readme.includes(params.toLocaleString('en-US')), `${e.name}: reports/README.md does not state ${params.toLocaleString('en-US')} params`);
    }
  });

  it("each recorded seed's saved test predictions are the model its last epoch reported", async () => {
    const labels = loadMnist({ valSplit: 0 }).test.labels;
    for (const e of await loadExperiments()) {
      const recorded = readResult(join(repoRoot, 'reports', 'results'), e.name);
      for (const run of recorded?.seeds ?? []) {
        let correct = 0;
        for (let i = 0; i < labels.length; i++) if (Number(run.testPredictions[i]) === labels[i]) correct++;
        assert.equal(correct, run.history.at(-1)!.testCorrect, `${e.name} seed ${run.seed}: predictions give ${correct} correct, the last epoch reported ${run.history.at(-1)!.testCorrect}`);
      }
    }
  });

  it("the README's results table states what the committed results give", async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Results'));
    const rows = section.split('\n').filter((l) => /^\| \d\d /.test(l));
    const experiments = await loadExperiments();
    const recorded = experiments.filter((e) => readResult(join(repoRoot, 'reports', 'results'), e.name));
    assert.equal(rows.length, recorded.length, 'one README row per recorded experiment');
    for (const e of recorded) {
      const result = readResult(join(repoRoot, 'reports', 'results'), e.name)!;
      const row = rows.find((r) => r.startsWith(`| ${e.name.slice(0, 2)} `));
      assert.ok(row, `README has no row for ${e.name}`);
      const cells = row.split('|').slice(1, -1).map((c) => c.trim());
      const s = experimentStats(result);
      const std = s.lastMeanAccuracy.std === null ? '' : ` ± ${s.lastMeanAccuracy.std.toFixed(2)}`;
      assert.deepEqual(cells.slice(1), [
        result.parameters.toLocaleString('en-US'), s.bestTrainAccuracy.toFixed(2), s.bestTestAccuracy.toFixed(2),
        s.lastMin.toFixed(2), `${s.lastMeanAccuracy.mean.toFixed(2)}${std}`, String(s.seedCount),
      ], `README row for ${e.name}`);
    }
  });

  it('a tiny real run goes through the runner and the report with every section', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-lab-exp-'));
    try {
      const [experiment] = await loadExperiments(['03-mnist8k-m3']);
      const result = await withWasmBackend(2, () =>
        runExperiment(experiment!, {
          seeds: [1, 2], resultsDir: join(dir, 'results'), runsDir: join(dir, 'runs'), threads: 2, backend: 'wasm',
          epochs: 2, limitTrain: 1500, limitTest: 300, log: () => {},
        }),
      );
      assert.ok(result);
      assert.equal(result.seeds.length, 2);
      assert.equal(result.seeds[0]!.history.length, 2);
      assert.equal(result.seeds[0]!.testPredictions.length, 300);
      const stats = experimentStats(result);
      assert.equal(stats.parameters, 7944);
      const labels = Array.from(loadMnist({ valSplit: 0 }).test.labels.subarray(0, 300));
      const best = { experiment: result.name, seed: 1, predictions: Array.from(result.seeds[0]!.testPredictions, Number), labels };
      const out = join(dir, 'report');
      await writeReport([result], best, out);
      const readme = readFileSync(join(out, 'README.md'), 'utf8');
      for (const section of ['Target', 'Results', 'Analysis', 'Total params: 7,944', 'Test set: Average loss', 'Confusion matrix', 'isclassified']) {
        assert.ok(readme.includes(section), `report has no '${section}'`);
      }
      const files = listFiles(out);
      const svgs = files.filter((f) => f.endsWith('.svg'));
      const pngs = files.filter((f) => f.endsWith('.png'));
      assert.ok(svgs.length >= 2 && pngs.length >= 2, `images: ${files.join(', ')}`);
      for (const f of svgs) assertSvg(f);
      for (const f of pngs) assertPng(f);
      assert.deepEqual(files.filter((f) => f.includes('.tmp-')), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
