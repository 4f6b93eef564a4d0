/**
 * What the experiment runner records and the report reads: plain JSON, one file per experiment
 * (reports/results/<experiment>.json), so a report can be regenerated without retraining.
 */
import type { TestedEpochMetrics } from '../train/metrics.js';
import type { Recipe } from '../train/recipe.js';
import type { RunSpec } from '../train/run-spec.js';
import type { ModelSummary } from './summary-table.js';

export interface SeedRun {
  seed: number;
  /** The run, complete: `mnist-lab train --spec` on it trains this seed again, to the bit. */
  spec?: RunSpec;
  history: TestedEpochMetrics[];
  /** The run's log lines (per-epoch results), as printed. */
  log: string[];
  /** Where its checkpoints were written (relative to the repository root). */
  runDir: string;
  /** The final model's predicted class for each test image in t10k order, as a string of digits. */
  testPredictions: string;
}

export interface ExperimentResult {
  /** File name without extension, e.g. "03-parameter-cut"; sorts in story order. */
  name: string;
  title: string;
  model: string;
  parameters: number;
  target: string[];
  analysis: string[];
  /** The full recipe every seed ran. */
  recipe: Recipe;
  /** How the experiment file wrote it, when as a parent experiment's recipe with changes. */
  derivedFrom?: { parent: string; changes: object } | null;
  /** Which split chose the hyperparameters (e.g. "validation (10k held out of train)"). */
  chosenOn: string;
  summary: ModelSummary;
  summaryText: string;
  seeds: SeedRun[];
  /** Machine, Node version, threads, backend: the context of the epoch times. */
  environment: { machine: string; node: string; threads: number; backend: string; mnistLab: string };
  finishedAt: string;
}

/** For the best model: its test-set predictions, for the confusion matrix and the error grid. */
export interface BestModelPredictions {
  experiment: string;
  seed: number;
  /** Predicted class per test image, in t10k order. */
  predictions: number[];
  labels: number[];
}
