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
import { readdirSync } from 'node:fs';
import { experimentNames, loadExperiments } from '../../src/experiments/registry.js';
import { experimentRunSpec, readResult, runExperiment } from '../../src/experiments/runner.js';
import { runSpec } from '../../src/run/run.js';
import { loadGoals } from '../../src/experiments/goals.js';
import { createModel } from '../../src/models/zoo.js';
import { writeReport, experimentStats } from '../../src/report/experiment-report.js';
import type { ExperimentResult } from '../../src/report/experiment-result.js';
import { loadMnist } from '../../src/data/mnist.js';
import { DEFAULT_RECIPE } from '../../src/train/recipe.js';
import { runSpecProblems } from '../../src/train/run-spec.js';
import { repoRoot } from '../helpers/fixtures.js';
import { assertPng, assertSvg, listFiles } from '../report/image-checks.js';

const committed = join(repoRoot, 'reports', 'results');

/** Every experiment with its recorded result: the committed results must exist, or these tests would prove nothing. */
async function recordedExperiments(): Promise<{ name: string; result: ExperimentResult }[]> {
  assert.ok(existsSync(committed), `${committed} is missing`);
  const names = experimentNames();
  assert.ok(names.length >= 12, `only ${names.length} experiment files`);
  const files = readdirSync(committed).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  assert.deepEqual(files, names, 'one recorded result per experiment file, and no other');
  return names.map((name) => ({ name, result: readResult(committed, name)! }));
}

describe('experiments', () => {
  it('the default recipe of `mnist-lab train` is experiment 12\'s (the champion), which spells its own out', async () => {
    const [champion] = await loadExperiments(['12-sepnet-8k']);
    assert.deepEqual(champion!.recipe, DEFAULT_RECIPE);
    assert.notEqual(champion!.recipe, DEFAULT_RECIPE, 'the experiment holds its own copy, not the live default');
  });

  it('no experiment file reads the live default recipe', () => {
    for (const f of readdirSync(join(repoRoot, 'experiments')).filter((n) => n.endsWith('.ts'))) {
      const text = readFileSync(join(repoRoot, 'experiments', f), 'utf8');
      assert.doesNotMatch(text, /DEFAULT_RECIPE|CHAMPION_RECIPE|train\/recipe\.js/, `experiments/${f} imports the live recipe`);
    }
  });

  it('the goals are data beside the experiments, and the report code holds none of their numbers', async () => {
    const goals = await loadGoals();
    assert.equal(goals.targetAccuracy, 99.4);
    assert.deepEqual(goals.goals.map((g) => [g.id, g.maxParameters, g.lastEpochs]), [['a', 8000, 5], ['b', 5000, 3]]);
    for (const f of readdirSync(join(repoRoot, 'src', 'report'))) {
      const text = readFileSync(join(repoRoot, 'src', 'report', f), 'utf8');
      assert.doesNotMatch(text, /99\.4\b|\b8000\b|\b5000\b|8_000|5_000/, `src/report/${f} holds a goal's number`);
    }
  });

  it("every recorded seed carries a valid spec of its run: the experiment's model and recipe, that seed, all the images", async () => {
    const experiments = await loadExperiments();
    for (const { name, result } of await recordedExperiments()) {
      const e = experiments.find((x) => x.name === name)!;
      for (const run of result.seeds) {
        assert.ok(run.spec, `${name} seed ${run.seed} has no spec`);
        assert.deepEqual(runSpecProblems(run.spec), [], `${name} seed ${run.seed}`);
        assert.equal(run.spec.seed, run.seed);
        assert.equal(run.spec.model.name, e.model);
        assert.deepEqual(run.spec.recipe, e.recipe);
        assert.deepEqual(run.spec.data, { dir: null, limitTrain: null, limitTest: null, valSplit: 0, splitSeed: null });
      }
    }
  });

  it('every experiment file loads, and the committed results and report state its parameter count', async () => {
    const experiments = await loadExperiments();
    const readme = readFileSync(join(repoRoot, 'reports', 'README.md'), 'utf8');
    for (const { name, result: recorded } of await recordedExperiments()) {
      const e = experiments.find((x) => x.name === name)!;
      const params = createModel(e.model, e.modelConfig).numParameters();
      assert.equal(recorded.parameters, params, `${e.name}: results record ${recorded.parameters} params, the file builds ${params}`);
      assert.deepEqual(recorded.recipe, JSON.parse(JSON.stringify(e.recipe)), `${e.name}: the recorded results were trained with another recipe than the file states; rerun it`);
      assert.ok(readme.includes(params.toLocaleString('en-US')), `${e.name}: reports/README.md does not state ${params.toLocaleString('en-US')} params`);
    }
  });

  it("each recorded seed's saved test predictions are the model its last epoch reported", async () => {
    const labels = loadMnist({ valSplit: 0 }).test.labels;
    for (const { name, result } of await recordedExperiments()) {
      const e = { name };
      assert.ok(result.seeds.length > 0, `${name} has no seed runs`);
      for (const run of result.seeds) {
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
    const goals = await loadGoals();
    const recorded = await recordedExperiments();
    assert.equal(rows.length, recorded.length, 'one README row per recorded experiment');
    for (const { name, result } of recorded) {
      const e = { name };
      const row = rows.find((r) => r.startsWith(`| ${e.name.slice(0, 2)} `));
      assert.ok(row, `README has no row for ${e.name}`);
      const cells = row.split('|').slice(1, -1).map((c) => c.trim());
      const s = experimentStats(result, goals);
      const std = s.lastMeanAccuracy.std === null ? '' : ` ± ${s.lastMeanAccuracy.std.toFixed(2)}`;
      assert.deepEqual(cells.slice(1), [
        result.parameters.toLocaleString('en-US'), s.bestTrainAccuracy.toFixed(2), s.bestTestAccuracy.toFixed(2),
        s.lastMin.toFixed(2), `${s.lastMeanAccuracy.mean.toFixed(2)}${std}`, String(s.seedCount),
      ], `README row for ${e.name}`);
    }
  });

  it('with concurrent seeds (a queue), every seed is recorded whatever order they finish in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-lab-exp-concurrent-'));
    try {
      const [experiment] = await loadExperiments(['03-mnist8k-m3']);
      const quick = { resultsDir: join(dir, 'results'), runsDir: join(dir, 'runs'), threads: 2, backend: 'wasm' as const, epochs: 1, limitTrain: 200, limitTest: 100, log: () => {} };
      // One real outcome, handed back for every seed with delays that make the seeds finish in reverse order.
      const real = await runSpec(experimentRunSpec(experiment!, 1, quick), { collectTestPredictions: true, replaceExisting: true });
      const started: number[] = [];
      const result = await runExperiment(experiment!, {
        ...quick, seeds: [1, 2, 3], concurrent: true,
        run: async (spec) => {
          started.push(spec.seed);
          await new Promise((resolve) => setTimeout(resolve, (4 - spec.seed) * 60));
          return real;
        },
      });
      assert.deepEqual(started, [1, 2, 3], 'every seed is handed out before any finishes');
      assert.deepEqual(result?.seeds.map((x) => x.seed), [1, 2, 3]);
      assert.deepEqual(readResult(quick.resultsDir, experiment!.name)?.seeds.map((x) => x.spec!.seed), [1, 2, 3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a tiny real run goes through the runner and the report with every section', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-lab-exp-'));
    try {
      const [experiment] = await loadExperiments(['03-mnist8k-m3']);
      const result = await runExperiment(experiment!, {
        seeds: [1, 2], resultsDir: join(dir, 'results'), runsDir: join(dir, 'runs'), threads: 2, backend: 'wasm',
        epochs: 2, limitTrain: 1500, limitTest: 300, log: () => {},
      });
      assert.ok(result);
      assert.equal(result.seeds.length, 2);
      assert.equal(result.seeds[0]!.history.length, 2);
      assert.equal(result.seeds[0]!.testPredictions.length, 300);
      assert.ok(existsSync(join(dir, 'runs', '03-mnist8k-m3', 'seed-2', 'spec.json')), 'each seed folder holds its spec');
      assert.equal(result.seeds[1]!.spec!.seed, 2);
      const goals = await loadGoals();
      const stats = experimentStats(result, goals);
      assert.equal(stats.parameters, 7944);
      const labels = Array.from(loadMnist({ valSplit: 0 }).test.labels.subarray(0, 300));
      const best = { experiment: result.name, seed: 1, predictions: Array.from(result.seeds[0]!.testPredictions, Number), labels };
      const out = join(dir, 'report');
      const test = loadMnist({ valSplit: 0, limit: { test: 300 } }).test;
      await writeReport([result], best, out, { goals, testImages: test });
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
