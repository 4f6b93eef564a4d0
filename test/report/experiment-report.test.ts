import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { experimentStats, imageBaseName, writeReport, type ReportOptions } from '../../src/report/experiment-report.js';
import type { BestModelPredictions } from '../../src/report/experiment-result.js';
import { MnistLabError } from '../../src/util/errors.js';
import { assertPng, assertSvg, listFiles } from './image-checks.js';
import { experiment, goals, history } from './report-fixtures.js';

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} != ${expected}`);

// Two experiments, two seeds each, three epochs: every statistic below is worked out by hand.
const large = experiment('b-large', 12000, [
  { seed: 1, history: history([{ train: 97.0, test: 98.0, seconds: 10 }, { train: 98.5, test: 99.0, seconds: 12 }, { train: 99.0, test: 99.3, seconds: 14 }]) },
  { seed: 2, history: history([{ train: 97.5, test: 98.5, seconds: 11 }, { train: 98.8, test: 99.1, seconds: 11 }, { train: 99.2, test: 99.2, seconds: 11 }]) },
]);
const tiny = experiment('a-tiny', 4500, [
  { seed: 3, history: history([{ train: 98.0, test: 99.4, seconds: 5 }, { train: 99.0, test: 99.45, seconds: 5 }, { train: 99.1, test: 99.5, seconds: 5 }]) },
  { seed: 4, history: history([{ train: 98.2, test: 99.41, seconds: 5 }, { train: 99.3, test: 99.42, seconds: 5 }, { train: 99.35, test: 99.6, seconds: 5 }]) },
]);

// A 30-image "test set" of 28x28 gradients; images 4 and 17 are misclassified.
const N = 30;
const images = new Uint8Array(N * 28 * 28);
for (let k = 0; k < N; k++) for (let p = 0; p < 784; p++) images[k * 784 + p] = (p * 7 + k * 13) % 256;
const labels = Array.from({ length: N }, (_, i) => i % 10);
const predictions = labels.map((l, i) => (i === 4 ? 9 : i === 17 ? 1 : l));
const best: BestModelPredictions = { experiment: 'a-tiny', seed: 4, predictions, labels };
const testImages: ReportOptions['testImages'] = { images, labels: Uint8Array.from(labels), n: N, height: 28, width: 28 };

test('experimentStats: every statistic from the histories', () => {
  const s = experimentStats(large, goals);
  assert.equal(s.parameters, 12000);
  assert.equal(s.seedCount, 2);
  assert.equal(s.minEpochs, 3);
  assert.equal(s.window, 3);
  assert.equal(s.shortWindow, true);
  assert.equal(s.bestTrainAccuracy, 99.2);
  assert.equal(s.bestTestAccuracy, 99.3);
  assert.equal(s.lastMin, 98.0);
  close(s.perSeed[0]!.lastMean, (98.0 + 99.0 + 99.3) / 3, 'seed 1 mean');
  close(s.perSeed[1]!.lastMean, (98.5 + 99.1 + 99.2) / 3, 'seed 2 mean');
  close(s.lastMeanAccuracy.mean, 98.85, 'mean over seeds');
  // Sample std of two values: |a − b| / √2.
  close(s.lastMeanAccuracy.std!, (98.93333333333333 - 98.76666666666667) / Math.SQRT2, 'std over seeds');
  close(s.lastMeanAccuracy.low, 98.76666666666667, 'lowest seed mean');
  close(s.lastMeanAccuracy.high, 98.93333333333333, 'highest seed mean');
  assert.deepEqual(s.epochsAtTarget, { min: 0, max: 0, mean: 0 });
  close(s.meanEpochSeconds, 69 / 6, 'mean epoch seconds');
  assert.deepEqual(s.perSeed[0]!.lastTestAccuracies, [98.0, 99.0, 99.3]);

  const t = experimentStats(tiny, goals);
  assert.equal(t.bestTrainAccuracy, 99.35);
  assert.equal(t.bestTestAccuracy, 99.6);
  assert.equal(t.lastMin, 99.4);
  close(t.lastMeanAccuracy.mean, (99.45 + (99.41 + 99.42 + 99.6) / 3) / 2, 'tiny mean');
  assert.deepEqual(t.epochsAtTarget, { min: 3, max: 3, mean: 3 });
  assert.equal(t.meanEpochSeconds, 5);
});

test('writeReport: README sections, images, statistics, no temp files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnist-lab-report-'));
  try {
    const out = await writeReport([large, tiny], best, dir, { goals, testImages });
    assert.deepEqual(out.warnings, []);
    const readme = readFileSync(out.readme, 'utf8');

    for (const heading of ['# mnist-lab experiments', '## Comparison', '## Goals', '## Parameters vs accuracy', '## Experiments',
      '### a-tiny: Title of a-tiny', '### b-large: Title of b-large', '## Best model: `a-tiny`, seed 4', '### Confusion matrix',
      '### Misclassified test digits', '## Environment']) {
      assert.ok(readme.includes(`\n${heading}\n`) || readme.startsWith(`${heading}\n`), `missing heading: ${heading}`);
    }
    // Experiments in name order, whatever the input order.
    assert.ok(readme.indexOf('### a-tiny') < readme.indexOf('### b-large'));
    for (const text of ['**Target:**', '- Target bullet of a-tiny', '**Results:**', '**Analysis:**', '- Analysis bullet of b-large',
      '**Recipe** (hyperparameters chosen on: validation (10k held out of train))', '| optimizer | name: sgd, lr: 0.05, momentum: 0.9 |',
      '| seeds | 3, 4 |', 'Total params: 72', '![a-tiny training curves](img/a-tiny-curves.png)', '<details>',
      'Training log (seed 1, runs/b-large/seed-1)', 'EPOCH: 2 <test> Accuracy: 9900/10000 (99.00%)', '</details>',
      '![parameters vs accuracy](img/frontier.png)', '![confusion matrix](img/confusion-matrix.png)', '![misclassified digits](img/misclassified.png)',
      'Test CPU (2 cores)', '28/30 (93.33%)', '`#4` 4 → 9', '`#17` 7 → 1']) {
      assert.ok(readme.includes(text), `README lacks: ${text}`);
    }

    // The comparison table's rows, computed from the histories.
    assert.ok(readme.includes('| a-tiny (last 3 only) | 4,500 | 99.35% | 99.60% | 99.40% | 99.46% | 0.019 | 2 | 3 | 3 | 5.0 |'), 'a-tiny row');
    assert.ok(readme.includes('| b-large (last 3 only) | 12,000 | 99.20% | 99.30% | 98.00% | 98.85% | 0.118 | 2 | 0 | 3 | 11.5 |'), 'b-large row');
    assert.ok(readme.includes('its "last 5" statistics use the last 3'));
    assert.ok(readme.includes('| 1 | 3 | 99.00% | 99.30% | 98.00, 99.00, 99.30 | 98.00% | 98.77% | 0 | 12.0 |'), 'per-seed row');

    // Goals: only a-tiny qualifies by size; (b) is met, (a) cannot be with 3 epochs.
    const goalsText = readme.slice(readme.indexOf('## Goals'), readme.indexOf('## Parameters vs accuracy'));
    assert.match(goalsText, /❌ \*\*not met\*\* by `a-tiny`: Short of the goal: 2 seeds, the goal needs 5; only 3 epochs, the goal looks at the last 5/);
    assert.match(goalsText, /✅ \*\*met\*\* by `a-tiny`: 2\/2 seeds ≥ 99\.40% on each of the last 3 epochs \(lowest 99\.40%: seed 3, epoch 1\)/);
    assert.ok(!goalsText.includes('b-large'));

    // Every image the README links to exists; each SVG is well-formed with an <svg> root; each PNG decodes.
    const linked = [...readme.matchAll(/\]\((img\/[^)]+)\)/g)].map((m) => m[1]!);
    assert.ok(linked.length >= 8);
    for (const rel of linked) assert.ok(existsSync(join(dir, rel)), `missing ${rel}`);
    const files = listFiles(dir);
    const svgs = files.filter((f) => f.endsWith('.svg'));
    const pngs = files.filter((f) => f.endsWith('.png'));
    assert.equal(svgs.length, 4);
    assert.equal(pngs.length, 5);
    assert.deepEqual([...out.images].sort(), [...svgs, ...pngs].sort());
    for (const f of svgs) assertSvg(f);
    for (const f of pngs) assertPng(f);
    for (const base of ['frontier', 'a-tiny-curves', 'b-large-curves', 'confusion-matrix']) {
      assert.ok(existsSync(join(dir, 'img', `${base}.svg`)) && existsSync(join(dir, 'img', `${base}.png`)), base);
    }
    assert.match(readFileSync(join(dir, 'img', 'frontier.svg'), 'utf8'), /99\.4%/);

    // Nothing half-written left behind.
    assert.deepEqual(files.filter((f) => f.includes('.tmp-')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeReport: bad input is one clear MnistLabError, and nothing is written', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'mnist-lab-report-')), 'out');
  try {
    await assert.rejects(writeReport([], null, dir, { goals }), (e: unknown) => e instanceof MnistLabError && /no experiment results/.test(e.message));
    await assert.rejects(writeReport([tiny, tiny], null, dir, { goals }), (e: unknown) => e instanceof MnistLabError && /both named a-tiny/.test(e.message));
    const noHistory = { ...tiny, name: 'c-empty', seeds: [{ ...tiny.seeds[0]!, history: [] }] };
    await assert.rejects(writeReport([noHistory], null, dir, { goals }), (e: unknown) => e instanceof MnistLabError && /seed 3 has no finished epoch/.test(e.message));
    const wrongLabels = { ...best, labels: labels.map((l, i) => (i === 5 ? (l + 1) % 10 : l)) };
    await assert.rejects(writeReport([tiny], wrongLabels, dir, { goals, testImages }), (e: unknown) => e instanceof MnistLabError && /label 5 is 6/.test(e.message));
    assert.equal(existsSync(dir), false);
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});

test('writeReport: predictions for the first N test images (--limit-test) are reported as such', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnist-lab-report-'));
  try {
    const prefix = { ...best, predictions: predictions.slice(0, 10), labels: labels.slice(0, 10) };
    const out = await writeReport([tiny], prefix, dir, { goals, testImages });
    const readme = readFileSync(out.readme, 'utf8');
    assert.ok(readme.includes('9/10 (90.00%); 1 misclassified (predictions cover the first 10 of the 30 test images)'));
    assert.ok(readme.includes('`#4` 4 → 9') && !readme.includes('`#17`'));
    assertPng(join(dir, 'img', 'misclassified.png'), 50);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('imageBaseName keeps ordinary names and neutralises odd ones', () => {
  assert.equal(imageBaseName('03-parameter-cut'), '03-parameter-cut');
  assert.equal(imageBaseName('../a b/c'), 'a-b-c');
});
