/**
 * The dashboard's HTTP API, as types shared by the server (src/server/) and the browser code (web/).
 * Everything is JSON except downloads, PNGs and the server-sent event streams. A run is named by an
 * opaque `id` (URL-safe; the server maps it to a folder inside one of its logdirs and never to anything
 * outside them).
 *
 *   GET /api/runs                          -> RunsResponse                       (the runs table, for scripts too)
 *   GET /api/runs/:id                      -> RunDetail
 *   GET /api/runs/:id/analysis             -> RunAnalysis  (computed from best.safetensors by the engine, cached in the run folder)
 *   GET /api/runs/:id/misclassified.png    -> image/png    (the grid of misclassified test digits)
 *   GET /api/runs/:id/download/:file       -> best.safetensors | last.safetensors | history.csv | spec.json (attachment)
 *   GET /api/runs/:id/events               -> text/event-stream: `history` (EpochMetrics[]), `status` (RunRow), on every change
 *   GET /api/events                        -> text/event-stream: `runs` (RunRow[]) whenever any run changes
 *   GET /api/experiments                   -> ExperimentsResponse
 *   GET /api/sweeps                        -> SweepsResponse                     (every folder holding a sweep's study.json)
 *   GET /api/sweeps/:id                    -> SweepDetail
 * Errors: 4xx/5xx with ApiError.
 */
import type { EpochMetrics } from '../train/metrics.js';
import type { RunSpec } from '../train/run-spec.js';

export interface ApiError {
  error: string;
}

/** 'unknown': a folder with checkpoints or history but no status.json (made before status files existed). */
export type RunRowStatus = 'running' | 'finished' | 'interrupted' | 'failed' | 'unknown';

export interface RunRow {
  id: string;
  /** The folder, relative to its logdir, e.g. "sepnet-8k-20261202-041500" or "experiments/12-sepnet-8k/seed-1". */
  name: string;
  logdir: string;
  /** For runs/experiments/<experiment>/seed-<n>: the experiment's name; else null. */
  experiment: string | null;
  model: string | null;
  parameters: number | null;
  seed: number | null;
  /** The recipe's key fields, for the table. */
  recipe: {
    epochs: number; batchSize: number; optimizer: string; lr: number; scheduler: string; maxLr: number | null;
    rotation: number; ema: number | null; labelSmoothing: number;
  } | null;
  status: RunRowStatus;
  epochsDone: number;
  epochs: number | null;
  bestTestAccuracy: number | null;
  /** Over the last 5 epochs (fewer when the run has fewer). */
  lastMin: number | null;
  lastMean: number | null;
  /** The last epoch's validation accuracy, when the run has a split. */
  valAccuracy: number | null;
  /** Sum of the epochs' wall seconds. */
  wallSeconds: number;
  /** ISO time of the last change to the folder's history or status. */
  updatedAt: string;
  /** For an interrupted run: the command that resumes it. */
  resumeCommand: string | null;
  /** A file the server could not read (half-written, damaged): the row shows it instead of failing. */
  problem: string | null;
}

export interface RunsResponse {
  logdirs: string[];
  runs: RunRow[];
}

export interface RunDetail {
  row: RunRow;
  spec: RunSpec | null;
  history: EpochMetrics[];
  /** The torchsummary table (summary.txt). */
  summaryText: string | null;
  /** The one command that reproduces the run: `mnist-lab train --spec <folder>/spec.json --out <new folder>`. */
  reproduceCommand: string | null;
  downloads: { name: string; bytes: number }[];
}

export interface RunAnalysis {
  checkpoint: string;
  testImages: number;
  correct: number;
  accuracy: number;
  loss: number;
  perClass: { digit: number; correct: number; total: number; accuracy: number }[];
  /** confusion[label][predicted], counts. */
  confusion: number[][];
  /** The first misclassified test images (up to 64), in test-set order, as drawn in misclassified.png. */
  misclassified: { index: number; label: number; predicted: number }[];
}

export interface ExperimentRow {
  name: string;
  title: string;
  model: string;
  parameters: number;
  bestTrainAccuracy: number;
  bestTestAccuracy: number;
  lastMin: number;
  lastMean: number;
  lastStd: number | null;
  /** Each seed, and the id of its run folder when a logdir holds it. */
  seeds: { seed: number; runId: string | null }[];
}

export interface ExperimentsResponse {
  resultsDir: string;
  lastEpochs: number;
  targetAccuracy: number;
  rows: ExperimentRow[];
  /** The report's frontier chart, a Vega-Lite spec. */
  frontier: object;
}

/** A sweep trial's state (src/sweep): 'pruned' is a trial ASHA stopped early. */
export type SweepTrialState = 'running' | 'complete' | 'pruned' | 'failed';

/** A sampled parameter's value, in the parameter's own units. */
export type SweepParamValue = number | string | boolean | null;

export interface SweepConfirmation {
  trialId: number;
  params: Record<string, SweepParamValue>;
  /** Test accuracy (%) over the confirming run's last `lastEpochs` epochs (mean and lowest), and at its last epoch. */
  lastEpochs: number;
  testLastMean: number;
  testLastMin: number;
  testFinal: number;
  /** ISO time of the confirmation. */
  at: string;
  /** The confirming run's folder, when the runs table knows it. */
  runId: string | null;
}

/** One sweep folder (a folder holding study.json) under a logdir. */
export interface SweepSummary {
  /** URL-safe and opaque, made as run ids are (a sweep and a run may share one: they are different routes). */
  id: string;
  /** The sweep spec's name; the folder's own name when study.json cannot be read. */
  name: string;
  logdir: string;
  /** Relative to its logdir, e.g. "sweeps/sepnet-quick". */
  folder: string;
  /** The sampler's name: 'grid', 'random' or 'tpe'. */
  sampler: string | null;
  pruner: { name: 'asha'; minEpochs: number; reductionFactor: number } | null;
  /** What the objective averages: validation accuracy over the last epochs, on a held-out split or k folds. */
  objective: { lastEpochs: number; validation: { split: number; splitSeed: number } | { folds: number; splitSeed: number } } | null;
  /** The trials the sweep may run (spec.budget.trials). */
  budget: number | null;
  trials: Record<SweepTrialState, number> & { total: number };
  /** The complete trial with the highest objective (validation accuracy, %). */
  best: { id: number; value: number; params: Record<string, SweepParamValue> } | null;
  /** The best trial's one run on the test set (`mnist-lab sweep confirm`); null until then. */
  confirmation: SweepConfirmation | null;
  /** ISO time of study.json's last change. */
  updatedAt: string;
  /** study.json could not be read (damaged, half-written, not a study): the entry shows it instead of failing. */
  problem: string | null;
}

export interface SweepsResponse {
  logdirs: string[];
  sweeps: SweepSummary[];
}

export interface SweepTrialRow {
  id: number;
  params: Record<string, SweepParamValue>;
  state: SweepTrialState;
  /** The objective (validation accuracy, %) of a complete trial; null otherwise. */
  value: number | null;
  /** The epochs the pruner saw (of the first fold with k-fold). */
  epochs: number;
  seconds: number;
  /** The trial's run folder (or its fold-1 with k-fold), when the runs table knows it. */
  runId: string | null;
  error: string | null;
}

export interface SweepDetail {
  summary: SweepSummary;
  trials: SweepTrialRow[];
  /** The searched parameters, by their dotted path in the spec, in the spec's order. */
  parameters: string[];
  /** The report's charts (src/sweep/sweep-report.ts), Vega-Lite specs; {} when the study cannot be read. */
  parallelCoordinates: object;
  importance: object;
}
