/**
 * A run's analysis (api-types RunAnalysis): its checkpoint loaded into its zoo model and evaluated
 * on the run's test images, giving loss, accuracy, per-class accuracy, the confusion matrix and the
 * first misclassified digits, drawn as a PNG grid. The evaluation goes in chunks with a yield to the
 * event loop between them, so the server keeps answering (and streaming) while it computes.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { RunAnalysis } from './api-types.js';
import { getBackend } from '../backend/current.js';
import type { Dataset } from '../data/dataset.js';
import { DataLoader } from '../data/data-loader.js';
import { Normalize } from '../data/transforms/normalize.js';
import { createModel } from '../models/zoo.js';
import type { Module } from '../nn/module.js';
import { allocPersistent } from '../tensor/memory-scope.js';
import { readWeights } from '../train/checkpoint.js';
import { evaluate } from '../train/evaluate.js';
import type { ModelConfig } from '../train/run-spec.js';
import { confusionMatrix } from '../report/confusion-matrix.js';
import { digitGridPng, misclassifiedDigits } from '../report/digit-grid.js';
import { MnistLabError } from '../util/errors.js';
import { loadTestImages } from './test-images.js';

/** The grid shows at most this many digits, as the report does. */
export const MISCLASSIFIED_LIMIT = 64;

/** Images per evaluation chunk: a few tens of milliseconds of work on one thread between yields. */
const CHUNK = 500;

export interface AnalysisJob {
  /** The weights file (a realpath checked to be inside the logdir) and its name for the answer. */
  weightsPath: string;
  checkpointName: string;
  model: { name: string; config: ModelConfig };
  data: { dir: string | null; limitTest: number | null };
}

export interface ComputedAnalysis {
  analysis: RunAnalysis;
  /** The misclassified grid; null when the model got every test image right. */
  png: Buffer | null;
}

function loadModel(job: AnalysisJob): Module {
  const model = createModel(job.model.name, job.model.config);
  try {
    model.loadStateDict(readWeights(job.weightsPath));
  } catch (err) {
    if (err instanceof MnistLabError) throw new MnistLabError(`${job.checkpointName} does not fit ${job.model.name}: ${err.message.replace(/^loadStateDict: /, '')}`);
    throw err;
  }
  return model.eval();
}

function chunkOf(test: Dataset, start: number, end: number): Dataset {
  const pixels = test.height * test.width;
  return {
    images: test.images.subarray(start * pixels, end * pixels),
    labels: test.labels.subarray(start, end),
    n: end - start,
    height: test.height,
    width: test.width,
    sourceIndices: test.sourceIndices.subarray(start, end),
  };
}

/** Runs on the current backend; the caller (the engine queue) has started it and keeps others off it. */
export async function computeAnalysis(job: AnalysisJob): Promise<ComputedAnalysis> {
  const test = loadTestImages(job.data.dir, job.data.limitTest);
  if (test.n === 0) throw new MnistLabError("the run's test set is empty");
  const model = loadModel(job);
  const predictions = new Uint8Array(test.n);
  let lossSum = 0;
  for (let start = 0; start < test.n; start += CHUNK) {
    const end = Math.min(test.n, start + CHUNK);
    const buffers: Float32Array[] = [];
    const loader = new DataLoader(chunkOf(test, start, end), {
      batchSize: CHUNK, transform: new Normalize(),
      allocate: (n) => {
        const b = allocPersistent(n);
        buffers.push(b);
        return b;
      },
    });
    try {
      const r = evaluate(model, loader, { collectPredictions: true });
      lossSum += r.loss * r.total;
      predictions.set(r.predictions!, start);
    } finally {
      for (const b of buffers) getBackend().release(b);
    }
    await yieldToEventLoop();
  }
  const labels = test.labels;
  const confusion = confusionMatrix(predictions, labels);
  const perClass = confusion.map((row, digit) => {
    const total = row.reduce((a, b) => a + b, 0);
    const correct = row[digit]!;
    return { digit, correct, total, accuracy: total ? (100 * correct) / total : 0 };
  });
  const correct = perClass.reduce((a, p) => a + p.correct, 0);
  const digits = misclassifiedDigits(predictions, labels, MISCLASSIFIED_LIMIT, test.sourceIndices);
  const png = digits.length ? digitGridPng(test.images, { height: test.height, width: test.width }, digits) : null;
  return {
    analysis: {
      checkpoint: job.checkpointName,
      testImages: test.n,
      correct,
      accuracy: (100 * correct) / test.n,
      loss: lossSum / test.n,
      perClass,
      confusion,
      misclassified: digits.map((d) => ({ index: d.sourceIndex, label: d.label, predicted: d.prediction })),
    },
    png,
  };
}
