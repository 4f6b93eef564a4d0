/**
 * The one function that runs a RunSpec. It builds what the spec names, in the order that makes
 * the bits depend only on the spec (backend, then the seed, then the model's initial weights, then
 * the data and its seeded split), trains, and returns the history. Every front end calls this and
 * nothing else: `mnist-lab train`, `experiments run`, the probe scripts, and later sweeps, queue
 * workers and the browser.
 *
 * A run folder gets spec.json (the input, enough to run it again), config.json (what the run found:
 * parameter count, data sizes, threads, Node and mnist-lab versions), summary.txt, train.log,
 * history.json/.csv, and the best/last checkpoints (written by the Trainer).
 */
import { cpus } from 'node:os';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultThreads, startBackend } from '../backend/engine.js';
import { manualSeed } from '../tensor/random.js';
import { loadMnist, type MnistSplits } from '../data/mnist.js';
import { createModel } from '../models/zoo.js';
import type { Module } from '../nn/module.js';
import { Trainer, type TrainResult } from '../train/trainer.js';
import { fileRecorderFor } from '../train/file-recorder.js';
import type { ProgressStream } from '../train/progress-bar.js';
import type { EpochMetrics } from '../train/metrics.js';
import { readWeights, type CheckpointMeta } from '../train/checkpoint.js';
import { formatRunSpec, splitSeedOf, validateRunSpec, type RunSpec } from '../train/run-spec.js';
import { collectSummary } from '../report/model-summary.js';
import { formatSummaryTable, type ModelSummary } from '../report/summary-table.js';
import { writeFileAtomicSync } from '../util/atomic-write.js';
import { MnistLabError } from '../util/errors.js';
import { mnistLabVersion } from '../util/version.js';
import { RunStatusWriter } from './run-status.js';

export interface RunHooks {
  /** Receives every log line: the summary table, per-epoch results, notices. */
  log?: (line: string) => void;
  /** Where a live progress bar is drawn, when it is a terminal. */
  progressStream?: ProgressStream | null;
  /** Stops the run at the next batch boundary; the last checkpoint resumes it exactly. */
  signal?: AbortSignal;
  onEpochEnd?: (metrics: EpochMetrics) => void;
  /** Also classify every test image with the final model (the experiments record this). */
  collectTestPredictions?: boolean;
  /** Continue from a checkpoint of this same run (see src/run/resume.ts). */
  resume?: { weights: string; meta: CheckpointMeta };
  /** Start afresh in an outDir that already holds a run (experiments rerunning a seed); default: refuse. */
  replaceExisting?: boolean;
}

export interface RunOutcome extends TrainResult {
  spec: RunSpec;
  parameters: number;
  summary: ModelSummary;
  summaryText: string;
  /** The worker threads that ran. */
  threads: number;
  /** With collectTestPredictions: the final model's class for each test image, in file order. */
  testPredictions: Uint8Array | null;
  environment: RunEnvironment;
}

/** What a run folder records about where it ran, beside the spec it ran. */
export interface RunEnvironment {
  parameters: number;
  data: { source: string; train: number; val: number; test: number };
  backend: string;
  threads: number;
  machine: string;
  node: string;
  mnistLab: string;
}

export async function runSpec(input: RunSpec, hooks: RunHooks = {}): Promise<RunOutcome> {
  const spec = validateRunSpec(input, 'run spec');
  const log = hooks.log ?? ((): void => {});
  const { outDir } = spec;
  if (outDir && !hooks.resume && !hooks.replaceExisting && existsSync(join(outDir, 'last.json'))) {
    throw new MnistLabError(`${outDir} already holds a run; resume it with --resume ${outDir}, or choose another --out`);
  }
  // Fails early, before any worker starts, on an unknown model or a dropout it cannot take.
  createModel(spec.model.name, spec.model.config);
  const engine = await startBackend(spec.backend, spec.threads ?? defaultThreads());
  try {
    manualSeed(spec.seed);
    const model = createModel(spec.model.name, spec.model.config);
    if (hooks.resume) model.loadStateDict(readWeights(hooks.resume.weights));
    const data = loadMnist({
      dataDir: spec.data.dir ?? undefined, valSplit: spec.data.valSplit, seed: splitSeedOf(spec), folds: spec.data.folds,
      limit: { train: spec.data.limitTrain ?? undefined, test: spec.data.limitTest ?? undefined }, test: spec.data.test,
    });
    const summary = collectSummary(model);
    const summaryText = formatSummaryTable(summary);
    const env = environment(model, data, engine);
    if (outDir) writeRunFolder(spec, outDir, summaryText, env, !hooks.resume);
    log(summaryText);
    const done = hooks.resume?.meta.epoch;
    log(`${done === undefined ? `Training ${spec.model.name}` : `Resuming ${spec.model.name} after epoch ${done}`} (${model.numParameters().toLocaleString('en-US')} params) on ${data.train.n} images` +
      `${data.val ? `, validating on ${data.val.n}` : ''}, ${data.test ? `testing on ${data.test.n}` : 'not reading the test set'}; ${engine.name} backend, ${engine.threads} thread(s)` +
      `${outDir ? `; writing to ${outDir}` : ''}`);
    const status = outDir ? new RunStatusWriter(outDir, spec.recipe.epochs) : null;
    let epochsDone = hooks.resume?.meta.epoch ?? 0;
    status?.write('running', epochsDone);
    const trainer = new Trainer({
      spec, model, data, threads: engine.threads, log, progressStream: hooks.progressStream, signal: hooks.signal,
      recorder: fileRecorderFor(outDir), mnistLabVersion: mnistLabVersion(),
      resume: hooks.resume?.meta ?? null,
      onEpochEnd: (m) => {
        epochsDone = m.epoch;
        status?.write('running', epochsDone);
        hooks.onEpochEnd?.(m);
      },
    });
    let result: TrainResult;
    try {
      result = await trainer.run();
    } catch (err) {
      status?.write('failed', epochsDone, (err as Error).message);
      throw err;
    }
    status?.write(result.interrupted ? 'interrupted' : 'finished', result.epochsCompleted);
    const testPredictions = hooks.collectTestPredictions && !result.interrupted && trainer.testLoader
      ? trainer.evaluate(trainer.testLoader, { collectPredictions: true }).predictions ?? null
      : null;
    return { ...result, spec, parameters: model.numParameters(), summary, summaryText, threads: engine.threads, testPredictions, environment: env };
  } finally {
    engine.close();
  }
}

function environment(model: Module, data: MnistSplits, engine: { name: string; threads: number }): RunEnvironment {
  return {
    parameters: model.numParameters(),
    data: { source: data.source, train: data.train.n, val: data.val?.n ?? 0, test: data.test?.n ?? 0 },
    backend: engine.name, threads: engine.threads,
    machine: `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores`, node: process.version, mnistLab: mnistLabVersion(),
  };
}

/** spec.json is rewritten on a resume (its epochs or threads may have changed); the rest only at the start. */
function writeRunFolder(spec: RunSpec, outDir: string, summaryText: string, env: RunEnvironment, fresh: boolean): void {
  mkdirSync(outDir, { recursive: true });
  writeFileAtomicSync(join(outDir, 'spec.json'), formatRunSpec(spec));
  if (!fresh) return;
  writeFileAtomicSync(join(outDir, 'summary.txt'), `${summaryText}\n`);
  writeFileAtomicSync(join(outDir, 'config.json'), `${JSON.stringify(env, null, 1)}\n`);
  // The Trainer appends to train.log; a fresh run in a reused folder starts it over.
  writeFileAtomicSync(join(outDir, 'train.log'), '');
}
