/**
 * A zoo model with a checkpoint's weights loaded, in eval mode: the step `mnist-lab eval` and
 * `predict` take after reading a file, here from the weights' bytes, so the browser page (which
 * fetches them) builds its model exactly as the CLI does.
 */
import type { Module } from '../nn/module.js';
import type { ModelConfig } from '../train/run-spec.js';
import { weightsFromSafetensorsBytes } from '../train/checkpoint-weights.js';
import { MnistLabError } from '../util/errors.js';
import { createModel } from './zoo.js';

export function modelFromWeights(bytes: Uint8Array, model: { name: string; config?: ModelConfig }, nameForErrors: string): Module {
  const weights = weightsFromSafetensorsBytes(bytes, nameForErrors);
  const net = createModel(model.name, model.config ?? {});
  try {
    net.loadStateDict(weights);
  } catch (err) {
    if (err instanceof MnistLabError) throw new MnistLabError(`${nameForErrors} does not fit ${model.name}: ${err.message.replace(/^loadStateDict: /, '')}`);
    throw err;
  }
  return net.eval();
}
