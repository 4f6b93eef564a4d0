/**
 * Runs a RunSpec on data already in memory and records it in memory: the browser's counterpart of
 * runSpec (run.ts), which reads the images from disk and writes a run folder. Everything that decides
 * the bits is the same code in the same order (seed, model, weights, data split, Trainer), so a run in
 * a browser tab and the same spec in Node give the same history. The caller starts the engine (in a
 * tab: web/engine/start-engine.ts) and provides the full MNIST sets; this splits them as loadMnist does.
 *
 * Continuing a stopped run passes the recorder's `last` checkpoint, and goes exactly the way
 * `mnist-lab train --resume` goes from last.safetensors and last.json.
 */
import type { Dataset } from '../data/dataset.js';
import { splitMnist, type MnistSplits } from '../data/mnist-splits.js';
import { createModel } from '../models/zoo.js';
import { manualSeed } from '../tensor/random.js';
import { weightsFromSafetensorsBytes } from '../train/checkpoint-weights.js';
import type { MemoryCheckpoint, MemoryRunRecorder } from '../train/memory-recorder.js';
import type { EpochMetrics } from '../train/metrics.js';
import { splitSeedOf, validateRunSpec, type RunSpec } from '../train/run-spec.js';
import { Trainer, type BatchProgress, type TrainResult } from '../train/trainer.js';
import { MnistLabError } from '../util/errors.js';

/** The full training and test sets, as parsed from the four IDX files. */
export interface MnistSource {
  train: Dataset;
  /** null when the spec does not read the test set. */
  test: Dataset | null;
  /** Where they came from, for the record. */
  source: string;
}

export interface MemoryRunOptions {
  spec: RunSpec;
  data: MnistSource;
  /** The worker threads running the engine, recorded in checkpoints. */
  threads: number;
  recorder: MemoryRunRecorder;
  /** Continue from this checkpoint (the recorder's `last` of the same run). */
  resume?: MemoryCheckpoint | null;
  mnistLabVersion?: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Once the model and the data are ready, before the first step. */
  onStart?: (info: MemoryRunStart) => void;
  onBatchEnd?: (progress: BatchProgress) => void;
  onEpochEnd?: (metrics: EpochMetrics) => void;
}

export interface MemoryRunStart {
  parameters: number;
  train: number;
  val: number;
  test: number;
  batchesPerEpoch: number;
  /** Epochs already done when continuing; 0 on a fresh start. */
  epochsDone: number;
}

/** The images a spec reads, from the full sets: the same split and limits as loadMnist gives in Node. */
export function splitsForSpec(spec: RunSpec, data: MnistSource): MnistSplits {
  if (spec.data.dir !== null) throw new MnistLabError(`data.dir ${spec.data.dir}: a browser tab trains on the server's bundled MNIST only; set data.dir to null`);
  const reads = spec.data.test !== false;
  if (reads && data.test === null) throw new Error('splitsForSpec: the spec reads the test set, but no test set was given');
  return splitMnist(data.train, reads ? data.test : null, {
    valSplit: spec.data.valSplit, seed: splitSeedOf(spec), folds: spec.data.folds,
    limit: { train: spec.data.limitTrain ?? undefined, test: spec.data.limitTest ?? undefined },
  }, data.source);
}

export async function runSpecInMemory(o: MemoryRunOptions): Promise<TrainResult> {
  const spec = validateRunSpec(o.spec, 'run spec');
  manualSeed(spec.seed);
  const model = createModel(spec.model.name, spec.model.config);
  if (o.resume) model.loadStateDict(weightsFromSafetensorsBytes(o.resume.weights, 'last.safetensors'));
  const data = splitsForSpec(spec, o.data);
  const trainer = new Trainer({
    spec, model, data, threads: o.threads, log: o.log ?? ((): void => {}), signal: o.signal,
    recorder: o.recorder, mnistLabVersion: o.mnistLabVersion, resume: o.resume?.meta ?? null,
    onBatchEnd: o.onBatchEnd, onEpochEnd: o.onEpochEnd,
  });
  o.onStart?.({
    parameters: model.numParameters(), train: data.train.n, val: data.val?.n ?? 0, test: data.test?.n ?? 0,
    batchesPerEpoch: trainer.trainLoader.length, epochsDone: trainer.epochsDone,
  });
  return trainer.run();
}
