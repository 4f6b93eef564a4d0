/**
 * Evaluation over a loader: the seeds' "Average loss" (summed NLL / images), accuracy, per-class
 * counts and, on request, every prediction. Models return log-probabilities, as in the seeds.
 *
 * Each loader batch goes through the model in chunks of EVAL_CHUNK images, each in its own scope, and
 * only the chunks' log-probabilities are kept for the batch's loss. Without a graph nothing else has
 * to outlive a chunk, so the memory an evaluation reserves is that of one chunk's activations (after
 * training, nothing more) instead of a whole batch of 1,000's (363 MB for sepnet-8k),
 * and a chunk's activations fit in the L3 cache.
 * In eval mode every image's log-probabilities are computed the same way whatever the batch holds,
 * and the loss is still summed over the whole batch in one call, so the results are the same bits.
 */
import type { Module } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/grad-mode.js';
import { allocFloat32, scope } from '../tensor/memory-scope.js';
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

const CLASSES = 10;
/**
 * Images per forward pass of an evaluation (see above): the default training batch, so that the
 * evaluation after each epoch runs in the arena blocks the training steps freed and reserves nothing
 * of its own (the arena lends a block to a request up to half its size).
 */
export const EVAL_CHUNK = 64;

export function evaluate(model: Module, loader: DataLoader, options: { collectPredictions?: boolean } = {}): EvalResult {
  const wasTraining = model.training;
  model.eval();
  const perClassCorrect = new Array<number>(CLASSES).fill(0);
  const perClassTotal = new Array<number>(CLASSES).fill(0);
  const predictions = options.collectPredictions ? new Uint8Array(loader.dataset.n) : null;
  let lossSum = 0;
  let correct = 0;
  let total = 0;
  try {
    for (const batch of loader) {
      noGrad(() =>
        scope(() => {
          const out = forwardInChunks(model, batch.images, batch.size, loader.dataset.height, loader.dataset.width);
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

/**
 * The model's output for `count` images, computed EVAL_CHUNK images at a time; call it inside a
 * scope with gradients off. The chunks' inputs are views of `images` (no copy).
 */
export function forwardInChunks(model: Module, images: Float32Array, count: number, height: number, width: number): Tensor {
  const pixels = height * width;
  if (count <= EVAL_CHUNK) return model.call(new Tensor(images.subarray(0, count * pixels), [count, 1, height, width], false, false));
  // Allocated in the caller's scope, so it outlives the chunks' scopes.
  const output = allocFloat32(count * CLASSES);
  for (let start = 0; start < count; start += EVAL_CHUNK) {
    const size = Math.min(EVAL_CHUNK, count - start);
    scope(() => {
      const out = model.call(new Tensor(images.subarray(start * pixels, (start + size) * pixels), [size, 1, height, width], false, false));
      if (out.shape.length !== 2 || out.shape[1] !== CLASSES) throw new Error(`evaluate: the model returned shape [${out.shape.join(', ')}], not [${size}, ${CLASSES}]`);
      output.set(out.data, start * CLASSES);
    });
  }
  return new Tensor(output, [count, CLASSES], false, false);
}

/** The seeds' evaluation line. */
export function formatEvalLine(label: string, r: EvalResult): string {
  return `${label}: Average loss: ${r.loss.toFixed(4)}, Accuracy: ${r.correct}/${r.total} (${r.accuracy.toFixed(2)}%)`;
}
