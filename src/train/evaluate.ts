/**
 * Evaluation over a loader: the seeds' "Average loss" (summed NLL / images), accuracy, per-class
 * counts and, on request, every prediction. Models return log-probabilities, as in the seeds.
 */
import type { Module } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/grad-mode.js';
import { scope } from '../tensor/memory-scope.js';
import { nllLoss } from '../tensor/ops/loss.js';
import type { DataLoader } from '../data/data-loader.js';

export interface EvalResult {
  loss: number;
  correct: number;
  total: number;
  /** Percent, as the seeds print it. */
  accuracy: number;
  perClassCorrect: number[];
  perClassTotal: number[];
  /** Predicted class per image in loader order, when requested. */
  predictions: Uint8Array | null;
}

export function evaluate(model: Module, loader: DataLoader, options: { collectPredictions?: boolean } = {}): EvalResult {
  const wasTraining = model.training;
  model.eval();
  const classes = 10;
  const perClassCorrect = new Array<number>(classes).fill(0);
  const perClassTotal = new Array<number>(classes).fill(0);
  const predictions = options.collectPredictions ? new Uint8Array(loader.dataset.n) : null;
  let lossSum = 0;
  let correct = 0;
  let total = 0;
  try {
    for (const batch of loader) {
      noGrad(() =>
        scope(() => {
          const x = new Tensor(batch.images, [batch.size, 1, loader.dataset.height, loader.dataset.width], false, false);
          const out = model.call(x);
          lossSum += nllLoss(out, batch.labels, { reduction: 'sum' }).item();
          const pred = out.argmax();
          for (let i = 0; i < batch.size; i++) {
            const y = batch.labels[i]!;
            perClassTotal[y]!++;
            if (pred[i] === y) {
              correct++;
              perClassCorrect[y]!++;
            }
            if (predictions) predictions[total + i] = pred[i]!;
          }
          total += batch.size;
        }),
      );
    }
  } finally {
    model.train(wasTraining);
  }
  return { loss: lossSum / total, correct, total, accuracy: (100 * correct) / total, perClassCorrect, perClassTotal, predictions };
}

/** The seeds' evaluation line. */
export function formatEvalLine(label: string, r: EvalResult): string {
  return `${label}: Average loss: ${r.loss.toFixed(4)}, Accuracy: ${r.correct}/${r.total} (${r.accuracy.toFixed(2)}%)`;
}
