/**
 * One 28x28 digit through a model, as `mnist-lab predict` does it: the pixels (0-1, white ink on
 * black, as toMnistDigit returns them) normalized with MNIST's mean and std, one forward pass
 * without autograd, and the model's log-probabilities turned into probabilities.
 *
 * The forward pass runs inside a memory scope and its output is copied out, so a page that reads a
 * digit on every stroke does not grow the engine's memory.
 */
import type { Module } from '../nn/module.js';
import { MNIST_MEAN, MNIST_STD, normalize } from '../data/transforms/normalize.js';
import { noGrad } from '../tensor/grad-mode.js';
import { scope } from '../tensor/memory-scope.js';
import { Tensor } from '../tensor/tensor.js';
import { MnistLabError } from '../util/errors.js';

export const DIGIT_PIXELS = 28 * 28;

export interface DigitReading {
  /** The most probable class. */
  digit: number;
  /** The model's output: log-softmax over the 10 classes (float32, as the engine computed it). */
  logProbabilities: Float32Array;
  /** exp of each, as predict prints them. */
  probabilities: number[];
}

export function classifyDigit(model: Module, pixels: Float32Array): DigitReading {
  if (pixels.length !== DIGIT_PIXELS) throw new MnistLabError(`classifyDigit: expected ${DIGIT_PIXELS} pixels (28x28), got ${pixels.length}`);
  const input = Float32Array.from(pixels);
  normalize(input, MNIST_MEAN, MNIST_STD);
  const logProbabilities = scope(() => noGrad(() => Float32Array.from(model.call(Tensor.from(input, [1, 1, 28, 28])).data)));
  const probabilities = Array.from(logProbabilities, (v) => Math.exp(v));
  return { digit: probabilities.indexOf(Math.max(...probabilities)), logProbabilities, probabilities };
}
