/** Made-up experiment results for the report tests (the lead's end-to-end test trains for real). */
import type { ReportGoals } from '../../src/report/goals.js';
import type { TestedEpochMetrics } from '../../src/train/metrics.js';
import type { ExperimentResult, SeedRun } from '../../src/report/experiment-result.js';
import type { Recipe } from '../../src/train/recipe.js';
import { summarizeModel, formatSummaryTable } from '../../src/report/summary-table.js';

export interface EpochSpec {
  train: number;
  test: number;
  seconds: number;
}

export function history(epochs: readonly EpochSpec[]): TestedEpochMetrics[] {
  return epochs.map((e, i) => ({
    epoch: i + 1,
    lr: 0.01,
    trainLoss: 0.5 / (i + 1),
    trainAccuracy: e.train,
    valLoss: null,
    valAccuracy: null,
    testLoss: 0.2 / (i + 1),
    testAccuracy: e.test,
    testCorrect: Math.round(e.test * 100),
    testTotal: 10000,
    epochSeconds: e.seconds,
    trainSeconds: e.seconds * 0.9,
    evalSeconds: e.seconds * 0.1,
  }));
}

/** Test accuracies per epoch, with train accuracy 1 point lower and 10 s per epoch. */
export function simpleHistory(testAccuracies: readonly number[]): TestedEpochMetrics[] {
  return history(testAccuracies.map((test) => ({ train: test - 1, test, seconds: 10 })));
}

export const RECIPE: Recipe = {
  epochs: 3,
  batchSize: 128,
  optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 },
  scheduler: { name: 'onecycle', maxLr: 0.1, pctStart: 0.2 },
  augmentation: { rotation: 7 },
  labelSmoothing: 0,
};

const SUMMARY = summarizeModel({
  inputShape: [1, 28, 28],
  layers: [
    { name: 'Conv2d-1', outputShape: [-1, 8, 26, 26], params: 72, trainable: true },
    { name: 'ReLU-2', outputShape: [-1, 8, 26, 26], params: 0, trainable: false },
  ],
});

export function experiment(name: string, parameters: number, seeds: { seed: number; history: TestedEpochMetrics[] }[]): ExperimentResult {
  const runs: SeedRun[] = seeds.map((s) => ({
    seed: s.seed,
    history: s.history,
    log: s.history.map((m) => `EPOCH: ${m.epoch} <test> Accuracy: ${m.testCorrect}/${m.testTotal} (${m.testAccuracy.toFixed(2)}%)`),
    runDir: `runs/${name}/seed-${s.seed}`,
    testPredictions: '',
  }));
  return {
    name,
    title: `Title of ${name}`,
    model: `model-${name}`,
    parameters,
    target: [`Target bullet of ${name}`],
    analysis: [`Analysis bullet of ${name}`],
    recipe: RECIPE,
    chosenOn: 'validation (10k held out of train)',
    summary: SUMMARY,
    summaryText: formatSummaryTable(SUMMARY),
    seeds: runs,
    environment: { machine: 'Test CPU (2 cores)', node: 'v20.0.0', threads: 2, backend: 'reference', mnistLab: '0.0.0-test' },
    finishedAt: '2025-01-02T03:04:05Z',
  };
}

/** Goals as experiments/goals.ts states them, pinned here so the report tests do not move with that file. */
export const goals: ReportGoals = {
  targetAccuracy: 99.4,
  lastEpochs: 5,
  goals: [
    { id: 'a', statement: 'goal a', maxParameters: 8000, maxEpochs: 15, lastEpochs: 5, minSeeds: 5, minMean: 99.5 },
    { id: 'b', statement: 'goal b', maxParameters: 5000, maxEpochs: 15, lastEpochs: 3, minSeeds: 1, minMean: null },
  ],
};
